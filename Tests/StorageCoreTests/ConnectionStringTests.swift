//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import Testing

@testable import StorageCore

/// A made-up account key: long and distinctive, so a leak of it, or of part of it, is easy to find.
private let testKey =
    "CzBVep/E6Q4zWH2ix+wRNluApcrvFDleg6jN8hc8YYar0PUaP2SJrtP4HUJnjLHW+yBFao+02f4jSG2St9wBJg=="
/// A made-up SAS signature, percent-encoded as it appears in a query string.
private let testSignature = "BzxxptsQRXqv5BlOg7jtIleMwfYrYJXK%2FzRpntMIPXI%3D"
/// A SAS query string around ``testSignature``.
private let testSAS = "sv=2020-08-04&ss=bqt&srt=sco&sp=rwdlacup&se=2030-01-01T00:00:00Z&spr=https&sig=\(testSignature)"
/// The published emulator key.
private let developmentKey =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

private func url(_ text: String) -> URL? { URL(string: text) }

/// Every secret text in these tests, and fragments of it that a careless message might quote.
private let secretFragments = [
    testKey, String(testKey.dropLast(2)), String(testKey.prefix(12)), String(testKey.suffix(14)),
    testSignature, String(testSignature.prefix(12)), "BzxxptsQRXqv5BlOg7jtIleMwfYrYJXK",
]

private func expectNoSecret(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    for fragment in secretFragments {
        #expect(!text.contains(fragment), "leaked \(fragment.prefix(4))…", sourceLocation: sourceLocation)
    }
}

// MARK: - Splitting

@Suite("Connection string splitting")
struct ConnectionStringSplittingTests {
    @Test("Segments split at the first '=', keep order and count empty segments")
    func splitsAtFirstEquals() throws {
        let parsed = try ConnectionString(
            parsing: " AccountName = acct ;; AccountKey=\(testKey);SharedAccessSignature=\(testSAS);")
        #expect(
            parsed.settings == [
                .init(name: "AccountName", value: "acct", segment: 1),
                .init(name: "AccountKey", value: testKey, segment: 3),
                .init(name: "SharedAccessSignature", value: testSAS, segment: 4),
            ])
    }

    @Test("Writing joins pairs with ';' and no trailing separator")
    func writes() {
        #expect(ConnectionString([("A", "1"), ("B", "x=y")]).text == "A=1;B=x=y")
    }

    @Test(
        "Only short, plain text is quoted in errors",
        arguments: [
            ("foo", true), ("UseDevelopmentStorage", true), ("DevelopmentStorageProxyUrl", true),
            ("sig", true), (testKey, false), (String(testKey.dropLast(2)), false), ("abc+def", false),
            ("abc/def", false), ("a%3D", false), (String(repeating: "a", count: 33), false),
        ])
    func quotable(text: String, isQuoted: Bool) {
        #expect((ConnectionString.quotable(text) != nil) == isQuoted)
    }
}

// MARK: - Accepted forms

@Suite("Connection strings that parse")
struct ConnectionStringAcceptedTests {
    @Test(
        "UseDevelopmentStorage=true gives the emulator account",
        arguments: ["UseDevelopmentStorage=true", "usedevelopmentstorage=TRUE;", "  UseDevelopmentStorage = true ; ;"])
    func developmentStorage(text: String) throws {
        let account = try StorageAccount(connectionString: text)
        #expect(account == .developmentStorage)
        #expect(account.isDevelopmentStorage)
    }

    @Test("The emulator account has the published name, key and endpoints")
    func developmentStorageValues() throws {
        let account = StorageAccount.developmentStorage
        #expect(account.name == "devstoreaccount1")
        #expect(account.credential == .sharedKey(try StorageAccountKey(base64: developmentKey)))
        #expect(account.tableEndpoint == url("http://127.0.0.1:10002/devstoreaccount1"))
        #expect(account.queueEndpoint == url("http://127.0.0.1:10001/devstoreaccount1"))
        #expect(account.blobEndpoint == url("http://127.0.0.1:10000/devstoreaccount1"))
        #expect(account.isDevelopmentStorage)
    }

    @Test("DevelopmentStorageProxyUri moves the emulator account to another host, keeping its ports")
    func developmentStorageProxy() throws {
        let account = try StorageAccount(
            connectionString: "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=HTTP://azurite/")
        #expect(account.name == "devstoreaccount1")
        #expect(account.credential == StorageAccount.developmentStorage.credential)
        #expect(account.tableEndpoint == url("http://azurite:10002/devstoreaccount1"))
        #expect(account.queueEndpoint == url("http://azurite:10001/devstoreaccount1"))
        #expect(account.blobEndpoint == url("http://azurite:10000/devstoreaccount1"))
        #expect(account.isDevelopmentStorage)
    }

    @Test("The emulator's explicit string keeps the path and leaves other services unset")
    func azuriteExplicit() throws {
        let account = try StorageAccount(
            connectionString:
                "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=\(developmentKey);TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;"
        )
        #expect(account.name == "devstoreaccount1")
        #expect(account.credential == StorageAccount.developmentStorage.credential)
        #expect(account.tableEndpoint == url("http://127.0.0.1:10002/devstoreaccount1"))
        #expect(account.queueEndpoint == nil)
        #expect(account.blobEndpoint == nil)
        #expect(!account.isDevelopmentStorage)
    }

    @Test("Explicit endpoints for every service, secondaries and Files are accepted")
    func fullExplicit() throws {
        let text = """
            DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=\(testKey);\
            TableEndpoint=https://acct.table.example.net/;QueueEndpoint=https://acct.queue.example.net;\
            BlobEndpoint=https://acct.blob.example.net//;FileEndpoint=https://acct.file.example.net;\
            TableSecondaryEndpoint=https://acct-secondary.table.example.net;\
            QueueSecondaryEndpoint=https://acct-secondary.queue.example.net;\
            BlobSecondaryEndpoint=https://acct-secondary.blob.example.net;\
            FileSecondaryEndpoint=https://acct-secondary.file.example.net
            """
        let account = try StorageAccount(connectionString: text)
        #expect(account.name == "acct")
        #expect(account.credential == .sharedKey(try StorageAccountKey(base64: testKey)))
        #expect(account.tableEndpoint == url("https://acct.table.example.net"))
        #expect(account.queueEndpoint == url("https://acct.queue.example.net"))
        #expect(account.blobEndpoint == url("https://acct.blob.example.net"))
    }

    @Test(
        "Endpoints derive from AccountName, DefaultEndpointsProtocol and EndpointSuffix",
        arguments: [
            ("AccountName=acct;AccountKey=\(testKey)", "https", "core.windows.net"),
            (
                "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=\(testKey);EndpointSuffix=core.windows.net",
                "https", "core.windows.net"
            ),
            (
                "DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=\(testKey);EndpointSuffix=core.chinacloudapi.cn",
                "http", "core.chinacloudapi.cn"
            ),
        ])
    func derived(text: String, scheme: String, suffix: String) throws {
        let account = try StorageAccount(connectionString: text)
        #expect(account.name == "acct")
        #expect(account.tableEndpoint == url("\(scheme)://acct.table.\(suffix)"))
        #expect(account.queueEndpoint == url("\(scheme)://acct.queue.\(suffix)"))
        #expect(account.blobEndpoint == url("\(scheme)://acct.blob.\(suffix)"))
    }

    @Test("With EndpointSuffix, an explicit endpoint wins and the others are derived")
    func explicitWinsOverDerived() throws {
        let account = try StorageAccount(
            connectionString:
                "AccountName=acct;AccountKey=\(testKey);EndpointSuffix=example.net;TableEndpoint=http://10.0.0.5:8902/acct"
        )
        #expect(account.tableEndpoint == url("http://10.0.0.5:8902/acct"))
        #expect(account.queueEndpoint == url("https://acct.queue.example.net"))
        #expect(account.blobEndpoint == url("https://acct.blob.example.net"))
    }

    @Test("A SAS with endpoints needs no AccountName; the name is read from the endpoint")
    func sharedAccessSignatureOnly() throws {
        let account = try StorageAccount(
            connectionString:
                "BlobEndpoint=https://acct.blob.core.windows.net/;QueueEndpoint=https://acct.queue.core.windows.net;SharedAccessSignature=?\(testSAS)"
        )
        #expect(account.name == "acct")
        #expect(account.credential == .sharedAccessSignature(testSAS))
        #expect(account.tableEndpoint == nil)
        #expect(account.queueEndpoint == url("https://acct.queue.core.windows.net"))
        #expect(account.blobEndpoint == url("https://acct.blob.core.windows.net"))
    }

    @Test("A path-style endpoint gives the account name from its path")
    func nameFromPath() throws {
        let account = try StorageAccount(
            connectionString: "TableEndpoint=http://azurite:10002/emulatoraccount/;SharedAccessSignature=\(testSAS)")
        #expect(account.name == "emulatoraccount")
        #expect(account.tableEndpoint == url("http://azurite:10002/emulatoraccount"))
    }

    @Test("AccountName alone is an anonymous account on the default endpoints")
    func anonymous() throws {
        let account = try StorageAccount(connectionString: "AccountName=acct")
        #expect(account.credential == .anonymous)
        #expect(account.blobEndpoint == url("https://acct.blob.core.windows.net"))
    }

    @Test("Setting names ignore case; values keep theirs")
    func mixedCaseNames() throws {
        let account = try StorageAccount(
            connectionString:
                "defaultendpointsprotocol=HTTP;ACCOUNTNAME=Acct;accountKEY=\(testKey);endpointsuffix=Example.NET")
        #expect(account.name == "Acct")
        #expect(account.credential == .sharedKey(try StorageAccountKey(base64: testKey)))
        #expect(account.tableEndpoint == url("http://Acct.table.Example.NET"))
    }

    @Test(
        "Values may contain '=', and empty segments and white space are ignored",
        arguments: [
            "AccountName=acct;SharedAccessSignature=\(testSAS)",
            "AccountName=acct;SharedAccessSignature=\(testSAS);",
            ";;AccountName=acct;;SharedAccessSignature=\(testSAS);;",
            "\n AccountName = acct ;\tSharedAccessSignature =\(testSAS)  ;\n",
        ])
    func valuesWithEquals(text: String) throws {
        let account = try StorageAccount(connectionString: text)
        #expect(account.name == "acct")
        #expect(account.credential == .sharedAccessSignature(testSAS))
    }

    @Test("A base64 key ending in '==' keeps its padding")
    func keyPadding() throws {
        let account = try StorageAccount(connectionString: "AccountName=acct;AccountKey=\(testKey);")
        guard case .sharedKey(let key) = account.credential else {
            Issue.record("expected a shared key")
            return
        }
        #expect(key.base64EncodedString == testKey)
    }
}

// MARK: - Rejected forms

/// A connection string that must fail, with the code and exact message it must fail with.
struct RejectedConnectionString: Sendable, CustomTestStringConvertible {
    let text: String
    let code: StorageConfigurationError.Code
    let message: String
    /// The part the message must name, checked separately so that a reworded message still
    /// fails loudly if it stops pointing at the problem.
    let names: String

    init(_ text: String, _ code: StorageConfigurationError.Code, _ message: String, names: String) {
        self.text = text
        self.code = code
        self.message = message
        self.names = names
    }

    var testDescription: String { "\(self.code): \(self.names)" }
}

private let rejected: [RejectedConnectionString] = [
    .init("", .malformedConnectionString, "The connection string is empty.", names: "empty"),
    .init(" ; ;; \n", .malformedConnectionString, "The connection string is empty.", names: "empty"),
    .init(
        "AccountName=acct;AccountKey=\(testKey);foo", .malformedConnectionString,
        "Segment 3 ('foo') has no '='.", names: "Segment 3 ('foo')"),
    .init(
        "AccountName=acct;;\(testKey.dropLast(2))", .malformedConnectionString,
        "Segment 3 has no '='; its text is not shown because it may be a secret.", names: "Segment 3"),
    .init(
        "AccountName=acct;=\(testKey)", .malformedConnectionString,
        "Segment 2 has no setting name before '='.", names: "Segment 2"),
    .init(
        "AcountName=acct;AccountKey=\(testKey)", .unknownSetting,
        "Unknown setting 'AcountName'. Did you mean 'AccountName'?", names: "'AcountName'"),
    .init(
        "AccountName=acct;TableEndPoints=https://acct.table.core.windows.net", .unknownSetting,
        "Unknown setting 'TableEndPoints'. Did you mean 'TableEndpoint'?", names: "'TableEndPoints'"),
    .init("AccountName=acct;Colour=blue", .unknownSetting, "Unknown setting 'Colour'.", names: "'Colour'"),
    .init(
        "AccountName=acct;\(testKey)", .unknownSetting,
        "Segment 2 has an unknown setting; its name is not shown because it may be a secret.", names: "Segment 2"),
    .init(
        "AccountName=acct;AccountKey=\(testKey);accountname=other", .duplicateSetting,
        "Setting 'AccountName' appears twice (segments 1 and 3).", names: "'AccountName'"),
    .init(
        "AccountName=;AccountKey=\(testKey)", .invalidSetting, "Setting 'AccountName' has no value.",
        names: "'AccountName'"),
    .init(
        "AccountName=acct;AccountKey=not*base64!", .invalidAccountKey, "Setting 'AccountKey' is not valid base64.",
        names: "'AccountKey'"),
    .init(
        "AccountName=acct;AccountKey=\(testKey.dropLast(3))", .invalidAccountKey,
        "Setting 'AccountKey' is not valid base64.", names: "'AccountKey'"),
    .init(
        "DefaultEndpointsProtocol=ftp;AccountName=acct", .invalidSetting,
        "'DefaultEndpointsProtocol' must be http or https.", names: "'DefaultEndpointsProtocol'"),
    .init(
        "AccountName=acct;EndpointSuffix=https://core.windows.net", .invalidSetting,
        "'EndpointSuffix' must be a host name suffix such as core.windows.net.", names: "'EndpointSuffix'"),
    .init(
        "AccountName=acct;EndpointSuffix=.core.windows.net", .invalidSetting,
        "'EndpointSuffix' must be a host name suffix such as core.windows.net.", names: "'EndpointSuffix'"),
    .init(
        "AccountName=my_account", .invalidSetting, "'AccountName' must contain only ASCII letters and digits.",
        names: "'AccountName'"),
    .init(
        "AccountName=acct;AccountKey=\(testKey);SharedAccessSignature=\(testSAS)", .conflictingSettings,
        "AccountKey and SharedAccessSignature cannot both be given.", names: "AccountKey and SharedAccessSignature"),
    .init(
        "AccountKey=\(testKey);TableEndpoint=https://acct.table.core.windows.net", .missingSetting,
        "Setting 'AccountName' is required with 'AccountKey'.", names: "'AccountName'"),
    .init(
        "AccountName=acct;SharedAccessSignature=sv=2020-08-04&sp=r", .invalidSetting,
        "'SharedAccessSignature' has no 'sig' parameter; copy the whole SAS query string.",
        names: "'SharedAccessSignature'"),
    .init(
        "AccountName=acct;TableEndpoint=127.0.0.1:10002", .invalidEndpoint,
        "'TableEndpoint' is not an absolute http or https URL.", names: "'TableEndpoint'"),
    .init(
        "AccountName=acct;QueueEndpoint=ftp://acct.queue.core.windows.net", .invalidEndpoint,
        "'QueueEndpoint' is not an absolute http or https URL.", names: "'QueueEndpoint'"),
    .init(
        "AccountName=acct;TableEndpoint=http://127.0.0.1:99999/acct", .invalidEndpoint,
        "'TableEndpoint' is not an absolute http or https URL.", names: "'TableEndpoint'"),
    .init(
        "AccountName=acct;BlobEndpoint=/devstoreaccount1", .invalidEndpoint,
        "'BlobEndpoint' is not an absolute http or https URL.", names: "'BlobEndpoint'"),
    .init(
        "AccountName=acct;BlobEndpoint=https://acct.blob.core.windows.net?\(testSAS)", .invalidEndpoint,
        "'BlobEndpoint' must not have a query or fragment; give a SAS in 'SharedAccessSignature'.",
        names: "'BlobEndpoint'"),
    .init(
        "AccountName=acct;TableEndpoint=https://acct:\(testSignature)@acct.table.core.windows.net", .invalidEndpoint,
        "'TableEndpoint' must not contain a user name or password.", names: "'TableEndpoint'"),
    .init(
        "AccountName=acct;FileEndpoint=not a url", .invalidEndpoint,
        "'FileEndpoint' is not an absolute http or https URL.", names: "'FileEndpoint'"),
    .init(
        "DefaultEndpointsProtocol=https;EndpointSuffix=core.windows.net", .missingSetting,
        "Setting 'AccountName' is missing; give it, or give explicit endpoints such as 'TableEndpoint'.",
        names: "'AccountName'"),
    .init(
        "SharedAccessSignature=\(testSAS)", .missingSetting,
        "Setting 'AccountName' is missing; give it, or give explicit endpoints such as 'TableEndpoint'.",
        names: "'AccountName'"),
    .init(
        "EndpointSuffix=example.net;TableEndpoint=https://acct.table.example.net;SharedAccessSignature=\(testSAS)",
        .missingSetting, "Setting 'AccountName' is required to build endpoints from 'EndpointSuffix'.",
        names: "'EndpointSuffix'"),
    .init(
        "TableEndpoint=http://localhost:10002;SharedAccessSignature=\(testSAS)", .missingSetting,
        "Setting 'AccountName' is missing and cannot be read from the endpoints.", names: "'AccountName'"),
    .init(
        "UseDevelopmentStorage=false", .invalidSetting,
        "Setting 'UseDevelopmentStorage' can only be 'true'; leave it out to use a real account.",
        names: "'UseDevelopmentStorage'"),
    .init(
        "UseDevelopmentStorage=true;AccountName=devstoreaccount1", .conflictingSettings,
        "Setting 'AccountName' cannot be combined with 'UseDevelopmentStorage=true'.",
        names: "'AccountName'"),
    .init(
        "UseDevelopmentStorage=true;TableEndpoint=http://127.0.0.1:20002/devstoreaccount1", .conflictingSettings,
        "Setting 'TableEndpoint' cannot be combined with 'UseDevelopmentStorage=true'.",
        names: "'TableEndpoint'"),
    .init(
        "AccountName=acct;DevelopmentStorageProxyUri=http://azurite", .missingSetting,
        "Setting 'DevelopmentStorageProxyUri' needs 'UseDevelopmentStorage=true'.",
        names: "'DevelopmentStorageProxyUri'"),
    .init(
        "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://azurite:20000", .invalidEndpoint,
        "'DevelopmentStorageProxyUri' must be only a scheme and host, such as http://azurite; the ports are fixed.",
        names: "'DevelopmentStorageProxyUri'"),
    .init(
        "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=azurite", .invalidEndpoint,
        "'DevelopmentStorageProxyUri' is not an absolute http or https URL.", names: "'DevelopmentStorageProxyUri'"),
]

@Suite("Connection strings that fail")
struct ConnectionStringRejectedTests {
    @Test("Each mistake has its code and a message naming the bad part, without secrets", arguments: rejected)
    func rejects(example: RejectedConnectionString) throws {
        let error = try #require(throws: StorageConfigurationError.self) {
            try StorageAccount(connectionString: example.text)
        }
        #expect(error.code == example.code)
        #expect(error.message == example.message)
        #expect(error.message.contains(example.names))
        expectNoSecret(error.message)
        expectNoSecret("\(error)")
        expectNoSecret(String(reflecting: error))
    }
}

// MARK: - Writing back

@Suite("Writing an account back as a connection string")
struct ConnectionStringRoundTripTests {
    @Test(
        "Parsing what was written gives an equal account",
        arguments: [
            "UseDevelopmentStorage=true",
            "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=https://azurite.internal",
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=\(developmentKey);TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;",
            "AccountName=acct;AccountKey=\(testKey)",
            "DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=\(testKey);EndpointSuffix=core.chinacloudapi.cn",
            "AccountName=acct;AccountKey=\(testKey);EndpointSuffix=example.net;TableEndpoint=http://10.0.0.5:8902/acct",
            "BlobEndpoint=https://acct.blob.core.windows.net;SharedAccessSignature=?\(testSAS)",
            "AccountName=acct",
        ])
    func roundTrip(text: String) throws {
        let account = try StorageAccount(connectionString: text)
        #expect(try StorageAccount(connectionString: account.connectionString) == account)
    }

    @Test(
        "The written form is the shortest usual one",
        arguments: [
            ("usedevelopmentstorage=true;", "UseDevelopmentStorage=true"),
            (
                "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://azurite/",
                "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://azurite"
            ),
            (
                "accountname=acct;accountkey=\(testKey)",
                "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=\(testKey);EndpointSuffix=core.windows.net"
            ),
            (
                "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=\(developmentKey);TableEndpoint=http://127.0.0.1:10002/devstoreaccount1/;",
                "AccountName=devstoreaccount1;AccountKey=\(developmentKey);TableEndpoint=http://127.0.0.1:10002/devstoreaccount1"
            ),
            (
                "QueueEndpoint=https://acct.queue.core.windows.net/;SharedAccessSignature=\(testSAS)",
                "AccountName=acct;SharedAccessSignature=\(testSAS);QueueEndpoint=https://acct.queue.core.windows.net"
            ),
        ])
    func writtenForm(text: String, written: String) throws {
        #expect(try StorageAccount(connectionString: text).connectionString == written)
    }

    @Test("The emulator account writes the short form")
    func developmentStorage() {
        #expect(StorageAccount.developmentStorage.connectionString == "UseDevelopmentStorage=true")
    }
}

// MARK: - Environment

@Suite("Reading the connection string from the environment")
struct ConnectionStringEnvironmentTests {
    private let variable = "AZURE_STORAGE_CONNECTION_STRING"

    @Test("The variable's connection string is read")
    func reads() throws {
        let account = try StorageAccount.fromEnvironment([self.variable: "UseDevelopmentStorage=true"])
        #expect(account == .developmentStorage)
        #expect(StorageAccount.connectionStringEnvironmentVariable == self.variable)
    }

    @Test(
        "An absent or blank variable is noConnectionString",
        arguments: [[:], ["AZURE_STORAGE_CONNECTION_STRING": " \n"]])
    func absent(environment: [String: String]) throws {
        let error = try #require(throws: StorageConfigurationError.self) {
            try StorageAccount.fromEnvironment(environment)
        }
        #expect(error.code == .noConnectionString)
        #expect(error.message == "No connection string was given and 'AZURE_STORAGE_CONNECTION_STRING' is not set.")
    }

    @Test("A bad string in the variable keeps its code and says where it came from")
    func badVariable() throws {
        let error = try #require(throws: StorageConfigurationError.self) {
            try StorageAccount.fromEnvironment([self.variable: "AccountName=acct;AccountKey=%%%"])
        }
        #expect(error.code == .invalidAccountKey)
        #expect(error.message == "In 'AZURE_STORAGE_CONNECTION_STRING': Setting 'AccountKey' is not valid base64.")
    }

    @Test("A nil connection string falls back to the environment; a given one ignores it")
    func optionalConnectionString() throws {
        let environment = [self.variable: "AccountName=fromenvironment"]
        #expect(try StorageAccount(connectionString: nil, environment: environment).name == "fromenvironment")
        #expect(try StorageAccount(connectionString: "AccountName=given", environment: environment).name == "given")
        let error = try #require(throws: StorageConfigurationError.self) {
            try StorageAccount(connectionString: nil, environment: [:])
        }
        #expect(error.code == .noConnectionString)
    }

    @Test("A given empty string is an error, not a fallback")
    func emptyIsNotAbsent() throws {
        let error = try #require(throws: StorageConfigurationError.self) {
            try StorageAccount(connectionString: "", environment: [self.variable: "UseDevelopmentStorage=true"])
        }
        #expect(error.code == .malformedConnectionString)
    }
}

// MARK: - Redaction

@Suite("Accounts never show their secrets")
struct StorageAccountRedactionTests {
    /// Every way an account commonly ends up as text.
    private func renderings(of value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return [
            "\(value)", String(describing: value), String(reflecting: value), dumped,
            "\([value])", String(reflecting: [value]), String(describing: Optional(value) as Any),
        ]
    }

    @Test("A shared key never shows")
    func sharedKey() throws {
        let account = try StorageAccount(connectionString: "AccountName=acct;AccountKey=\(testKey)")
        for text in self.renderings(of: account) + self.renderings(of: account.credential) {
            expectNoSecret(text)
            #expect(text.contains("<redacted>"))
        }
        #expect(
            account.description
                == "StorageAccount(name: acct, credential: sharedKey(<redacted>), tableEndpoint: https://acct.table.core.windows.net, queueEndpoint: https://acct.queue.core.windows.net, blobEndpoint: https://acct.blob.core.windows.net)"
        )
    }

    @Test("A SAS shows its parameters but not its signature")
    func sharedAccessSignature() throws {
        let account = try StorageAccount(
            connectionString: "AccountName=acct;SharedAccessSignature=\(testSAS)")
        for text in self.renderings(of: account) + self.renderings(of: account.credential) {
            expectNoSecret(text)
            #expect(text.contains("sig=<redacted>"))
            #expect(text.contains("sv=2020-08-04"))
        }
    }

    @Test(
        "Odd SAS values hide whatever might be secret",
        arguments: [
            (testKey, "sharedAccessSignature(<redacted>)"),
            (testSignature, "sharedAccessSignature(<redacted>)"),
            ("SIG=\(testSignature)&sp=r", "sharedAccessSignature(SIG=<redacted>&sp=r)"),
            ("sp=r&\(testKey)&=\(testSignature)", "sharedAccessSignature(sp=r&<redacted>&<redacted>)"),
        ])
    func oddSignatures(signature: String, description: String) {
        let credential = StorageCredential.sharedAccessSignature(signature)
        #expect(credential.description == description)
        for text in self.renderings(of: credential) {
            expectNoSecret(text)
        }
    }

    @Test("The emulator account's description shows it is the emulator")
    func developmentStorage() {
        let text = StorageAccount.developmentStorage.description
        #expect(text.contains("isDevelopmentStorage: true"))
        #expect(!text.contains(developmentKey))
    }
}
