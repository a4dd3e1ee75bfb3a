//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// The List Queues answer, `EnumerationResults`, in both directions.
public enum QueueListXML {
    /// Encodes a page as the service answers it.
    ///
    /// `Prefix`, `Marker` and `MaxResults` appear only when asked for; `Metadata` only for
    /// queues listed with metadata; `NextMarker` always, empty on the last page.
    public static func encode(_ page: QueueListPage) -> [UInt8] {
        var xml = QueueMessageXML.declaration
        xml += "<EnumerationResults ServiceEndpoint=\"\(XMLText.escape(page.serviceEndpoint))\">"
        if let prefix = page.prefix { xml += "<Prefix>\(XMLText.escape(prefix))</Prefix>" }
        if let marker = page.marker { xml += "<Marker>\(XMLText.escape(marker))</Marker>" }
        if let maxResults = page.maxResults { xml += "<MaxResults>\(maxResults)</MaxResults>" }
        xml += "<Queues>"
        for queue in page.queues {
            xml += "<Queue><Name>\(XMLText.escape(queue.name))</Name>"
            if let metadata = queue.metadata {
                xml += "<Metadata>"
                for entry in metadata {
                    xml += "<\(entry.name)>\(XMLText.escape(entry.value))</\(entry.name)>"
                }
                xml += "</Metadata>"
            }
            xml += "</Queue>"
        }
        xml += "</Queues>"
        if let nextMarker = page.nextMarker {
            xml += "<NextMarker>\(XMLText.escape(nextMarker))</NextMarker>"
        } else {
            xml += "<NextMarker />"
        }
        return Array((xml + "</EnumerationResults>").utf8)
    }

    /// Decodes a page as the client receives it; an empty `NextMarker` means the last page.
    ///
    /// - Throws: ``XMLReadError`` when the body is not well-formed or not `EnumerationResults`.
    public static func decode(_ body: [UInt8]) throws(XMLReadError) -> QueueListPage {
        let root = try XMLReader.parse(body)
        guard root.name == "EnumerationResults" else {
            throw XMLReadError(reason: "The root element must be <EnumerationResults>.", offset: 0)
        }
        var page = QueueListPage(serviceEndpoint: root.attribute("ServiceEndpoint") ?? "")
        page.prefix = root.child("Prefix")?.text
        page.marker = root.child("Marker")?.text
        if let maxResults = root.child("MaxResults")?.text {
            guard let value = Int(maxResults.trimmingCharacters(in: .whitespaces)) else {
                throw XMLReadError(reason: "MaxResults '\(maxResults)' is not a number.", offset: 0)
            }
            page.maxResults = value
        }
        for queue in root.child("Queues")?.children("Queue") ?? [] {
            guard let name = queue.child("Name")?.text else {
                throw XMLReadError(reason: "A <Queue> lacks <Name>.", offset: 0)
            }
            let metadata = queue.child("Metadata").map { element in
                element.children.map { QueueMetadataEntry(name: $0.name, value: $0.text) }
            }
            page.queues.append(QueueListItem(name: name, metadata: metadata))
        }
        if let nextMarker = root.child("NextMarker")?.text, !nextMarker.isEmpty {
            page.nextMarker = nextMarker
        }
        return page
    }
}
