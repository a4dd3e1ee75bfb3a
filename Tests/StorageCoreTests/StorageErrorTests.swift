//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore
import Testing

@Suite("Storage errors read from responses")
struct StorageErrorTests {
    @Test("reads the Table JSON error body even without x-ms-error-code")
    func readsTableJSON() {
        let body =
            #"{"odata.error":{"code":"TableAlreadyExists","message":{"lang":"en-US","value":"The table specified already exists.\nRequestId:1"}}}"#
        let error = StorageError(status: 409, headers: ["x-ms-request-id": "r-1"], body: Array(body.utf8))
        #expect(error.code == .tableAlreadyExists)
        #expect(error.status == 409)
        #expect(error.message.hasPrefix("The table specified already exists."))
        #expect(error.requestID == "r-1")
    }

    @Test("reads the Blob/Queue XML error body, unescaping its text")
    func readsQueueXML() {
        let body = """
            <?xml version="1.0" encoding="utf-8"?><Error><Code>MessageNotFound</Code>\
            <Message>The specified message does not exist &amp; cannot be &lt;updated&gt;.</Message></Error>
            """
        let error = StorageError(status: 404, headers: [:], body: Array(body.utf8))
        #expect(error.code == .messageNotFound)
        #expect(error.message == "The specified message does not exist & cannot be <updated>.")
    }

    @Test("prefers the body's code over the header, and falls back to the header, then the status")
    func fallsBack() {
        let json = #"{"odata.error":{"code":"EntityAlreadyExists","message":{"value":"x"}}}"#
        let fromBody = StorageError(status: 409, headers: ["x-ms-error-code": "Other"], body: Array(json.utf8))
        #expect(fromBody.code == .entityAlreadyExists)
        let fromHeader = StorageError(
            status: 412, headers: ["x-ms-error-code": "UpdateConditionNotSatisfied"], body: [])
        #expect(fromHeader.code == .updateConditionNotSatisfied)
        let fromStatus = StorageError(status: 503, headers: [:], body: Array("busy".utf8))
        #expect(fromStatus.code == .serverBusy)
        #expect(fromStatus.message == "busy")
        let garbage = StorageError(status: 400, headers: [:], body: Array("{not json".utf8))
        #expect(garbage.code.rawValue == "BadRequest")
    }
}
