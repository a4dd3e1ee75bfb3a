//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

extension StorageError {
    /// Reads the error a service answered with.
    ///
    /// The code comes from the body when it has one — JSON `{"odata.error":{"code":…}}` (Table)
    /// or XML `<Error><Code>…</Code>` (Blob/Queue, and Table for non-JSON requests) — because
    /// Azure does not always send `x-ms-error-code` (seen on Table 409s); otherwise from the
    /// `x-ms-error-code` header; otherwise a name derived from the status.
    public init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        let parsed = Self.parseJSONError(body) ?? Self.parseXMLError(body)
        let headerCode = headers["x-ms-error-code"].flatMap { $0.isEmpty ? nil : $0 }
        let code = parsed?.code ?? headerCode ?? Self.fallbackCode(status: status)
        let message = parsed?.message ?? Self.fallbackMessage(status: status, body: body)
        self.init(
            status: status, code: StorageErrorCode(rawValue: code), message: message,
            requestID: headers["x-ms-request-id"])
    }

    private static func parseJSONError(_ body: [UInt8]) -> (code: String, message: String)? {
        guard body.first(where: { !Self.isWhiteSpace($0) }) == UInt8(ascii: "{"),
            let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let error = (object["odata.error"] ?? object["error"]) as? [String: Any],
            let code = error["code"] as? String
        else { return nil }
        let message: String
        if let structured = error["message"] as? [String: Any] {
            message = structured["value"] as? String ?? ""
        } else {
            message = error["message"] as? String ?? ""
        }
        return (code, message)
    }

    private static func parseXMLError(_ body: [UInt8]) -> (code: String, message: String)? {
        let text = String(decoding: body, as: UTF8.self)
        guard text.contains("<Error"), let code = Self.elementText("Code", in: text) else { return nil }
        return (code, Self.elementText("Message", in: text) ?? "")
    }

    /// The unescaped text of the first `<name>…</name>` element: enough for the flat error
    /// document, which has no attributes or nesting in these elements.
    private static func elementText(_ name: String, in text: String) -> String? {
        guard let open = text.range(of: "<\(name)>"),
            let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex)
        else { return nil }
        return XMLText.unescape(String(text[open.upperBound..<close.lowerBound]))
    }

    private static func fallbackCode(status: Int) -> String {
        switch status {
        case 400: "BadRequest"
        case 403: StorageErrorCode.authenticationFailed.rawValue
        case 404: StorageErrorCode.resourceNotFound.rawValue
        case 409: "Conflict"
        case 412: "ConditionNotMet"
        case 413: StorageErrorCode.requestBodyTooLarge.rawValue
        case 500: StorageErrorCode.internalError.rawValue
        case 503: StorageErrorCode.serverBusy.rawValue
        default: "HTTP\(status)"
        }
    }

    private static func fallbackMessage(status: Int, body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(512), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "The service answered HTTP \(status) with no error details." : text
    }

    private static func isWhiteSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\t")
    }
}
