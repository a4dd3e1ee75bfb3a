//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The XML error body of the Blob and Queue services, in both directions:
/// `<Error><Code>…</Code><Message>…</Message>[extra elements]</Error>`.
///
/// Extra elements carry details such as `MaxLimit` for 413 `RequestBodyTooLarge` or
/// `QueryParameterName` for an out-of-range parameter.
public enum StorageErrorXML {
    /// Encodes an error body; `details` become elements after `Message`, in order.
    public static func encode(code: String, message: String, details: [QueueMetadataEntry] = []) -> [UInt8] {
        var xml = QueueMessageXML.declaration
        xml += "<Error><Code>\(XMLText.escape(code))</Code><Message>\(XMLText.escape(message))</Message>"
        for detail in details {
            xml += "<\(detail.name)>\(XMLText.escape(detail.value))</\(detail.name)>"
        }
        return Array((xml + "</Error>").utf8)
    }

    /// Decodes an error body into its code, message and extra elements.
    ///
    /// - Throws: ``XMLReadError`` when the body is not well-formed or not an `Error` with a
    ///   `Code`.
    public static func decode(_ body: [UInt8]) throws(XMLReadError) -> (
        code: String, message: String, details: [QueueMetadataEntry]
    ) {
        let root = try XMLReader.parse(body)
        guard root.name == "Error", let code = root.child("Code")?.text else {
            throw XMLReadError(reason: "The body is not an <Error> with a <Code>.", offset: 0)
        }
        let details = root.children.filter { $0.name != "Code" && $0.name != "Message" }.map {
            QueueMetadataEntry(name: $0.name, value: $0.text)
        }
        return (code, root.child("Message")?.text ?? "", details)
    }
}
