//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// How message text is written into `<MessageText>` and read back.
///
/// The two ecosystems disagree: Python's `azure-storage-queue` sends text as is by default,
/// while .NET's legacy SDK and the Azure Functions queue trigger expect base64. Producers and
/// consumers of one queue must agree.
public enum QueueMessageEncoding: Sendable, Hashable {
    /// The text as is (XML-escaped on the wire): Python's default `NoEncodePolicy`.
    case plainText
    /// Base64 of the text's UTF-8 bytes: `TextBase64EncodePolicy`, and what Azure Functions
    /// expects by default.
    case base64
}
