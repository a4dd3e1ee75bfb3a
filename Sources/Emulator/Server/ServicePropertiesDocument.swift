//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

/// A service's `StorageServiceProperties` XML (logging, metrics, CORS), kept as the client sent
/// it, element by element.
///
/// The emulator records these settings and answers them back; it does not act on them (no
/// logs or metrics are written, and CORS preflight is not served). Set Service Properties
/// replaces only the top-level elements it carries and keeps the rest, as Azure documents.
enum ServicePropertiesDocument {
    /// The top-level elements a properties document may hold.
    static let elementNames = [
        "Logging", "HourMetrics", "MinuteMetrics", "Cors", "DefaultServiceVersion", "DeleteRetentionPolicy",
        "StaticWebsite",
    ]

    /// What a new account answers: everything off, no CORS rules.
    static let defaultElements: [String: String] = [
        "Logging":
            "<Logging><Version>1.0</Version><Delete>false</Delete><Read>false</Read><Write>false</Write>"
            + "<RetentionPolicy><Enabled>false</Enabled></RetentionPolicy></Logging>",
        "HourMetrics":
            "<HourMetrics><Version>1.0</Version><Enabled>false</Enabled>"
            + "<RetentionPolicy><Enabled>false</Enabled></RetentionPolicy></HourMetrics>",
        "MinuteMetrics":
            "<MinuteMetrics><Version>1.0</Version><Enabled>false</Enabled>"
            + "<RetentionPolicy><Enabled>false</Enabled></RetentionPolicy></MinuteMetrics>",
        "Cors": "<Cors />",
    ]

    /// The document to answer with, given the stored one (or none).
    static func document(stored: [UInt8]?) -> [UInt8] {
        let elements = stored.flatMap { try? Self.elements(of: $0) } ?? Self.defaultElements
        return Self.write(elements)
    }

    /// The stored document after applying a Set Service Properties body.
    ///
    /// - Throws: 400 `InvalidXmlDocument` when the body is not a `StorageServiceProperties`
    ///   document.
    static func merge(stored: [UInt8]?, update: [UInt8]) throws(StorageError) -> [UInt8] {
        var elements = stored.flatMap { try? Self.elements(of: $0) } ?? Self.defaultElements
        for (name, element) in try Self.elements(of: update) {
            elements[name] = element
        }
        return Self.write(elements)
    }

    /// Get Service Stats: one emulator is its own replica, so replication is always live and
    /// synced now.
    static func statistics() -> [UInt8] {
        let xml =
            #"<?xml version="1.0" encoding="utf-8"?><StorageServiceStats><GeoReplication>"#
            + "<Status>live</Status><LastSyncTime>\(HTTPDate.string(from: Date()))</LastSyncTime>"
            + "</GeoReplication></StorageServiceStats>"
        return Array(xml.utf8)
    }

    private static func write(_ elements: [String: String]) -> [UInt8] {
        var xml = #"<?xml version="1.0" encoding="utf-8"?><StorageServiceProperties>"#
        for name in Self.elementNames {
            if let element = elements[name] { xml += element }
        }
        return Array((xml + "</StorageServiceProperties>").utf8)
    }

    /// The top-level elements of a document, each as its full XML text.
    private static func elements(of body: [UInt8]) throws(StorageError) -> [String: String] {
        let text = String(decoding: body, as: UTF8.self)
        guard let open = text.range(of: "<StorageServiceProperties"),
            let close = text.range(of: "</StorageServiceProperties>", range: open.upperBound..<text.endIndex)
        else {
            throw StorageError(
                status: 400, code: .invalidXmlDocument,
                message:
                    "XML specified is not syntactically valid.\nDetail: expected a StorageServiceProperties element.")
        }
        let content = text[open.upperBound..<close.lowerBound]
        var elements: [String: String] = [:]
        for name in Self.elementNames {
            if let range = content.range(of: "<\(name)>"),
                let end = content.range(of: "</\(name)>", range: range.upperBound..<content.endIndex)
            {
                elements[name] = String(content[range.lowerBound..<end.upperBound])
            } else if let range = content.range(of: "<\(name) />") ?? content.range(of: "<\(name)/>") {
                elements[name] = String(content[range])
            }
        }
        return elements
    }
}
