//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

extension StorageAccount {
    /// Reads an account from an Azure Storage connection string.
    ///
    /// Accepted forms:
    /// - `UseDevelopmentStorage=true`, alone or with `DevelopmentStorageProxyUri=http://host`,
    ///   which moves ``developmentStorage`` to that scheme and host, keeping the emulator ports.
    /// - `AccountName` with `AccountKey`, `SharedAccessSignature` or neither (anonymous), plus
    ///   optional `DefaultEndpointsProtocol` (default `https`) and `EndpointSuffix` (default
    ///   `core.windows.net`), from which `{protocol}://{account}.{service}.{suffix}` endpoints
    ///   are derived.
    /// - Explicit `TableEndpoint`, `QueueEndpoint` and `BlobEndpoint`, which win over derived ones.
    ///   When any is given without `EndpointSuffix`, the others stay `nil` rather than being
    ///   derived: the usual emulator string names only `TableEndpoint`, and deriving its queue
    ///   endpoint would send the emulator's key to Azure. Without `AccountName`, the name is read
    ///   from the first endpoint (its path for path-style URLs, else its first host label).
    ///
    /// Setting names ignore case; `;`-separated segments are split at their first `=`, so values
    /// may contain `=`; empty segments and white space around names and values are ignored.
    /// Endpoints lose a trailing `/`. `TableSecondaryEndpoint`, `QueueSecondaryEndpoint`,
    /// `BlobSecondaryEndpoint`, `FileEndpoint` and `FileSecondaryEndpoint` are checked to be
    /// URLs and otherwise ignored, since Baton uses neither secondaries nor Azure Files.
    ///
    /// - Throws: ``StorageConfigurationError`` naming the offending segment or setting. Messages
    ///   never contain a key or SAS value.
    public init(connectionString: String) throws {
        let settings = try Self.recognizedSettings(in: ConnectionString(parsing: connectionString))
        if let useDevelopmentStorage = settings[.useDevelopmentStorage] {
            self = try Self.developmentStorage(useDevelopmentStorage, settings: settings)
        } else {
            self = try Self.account(settings: settings)
        }
    }

    /// The account written back as a connection string that ``init(connectionString:)`` reads
    /// as an equal account.
    ///
    /// > Important: The result contains the account key or SAS in clear text. Treat it as a
    /// > secret: never log it or put it in an error message.
    ///
    /// The emulator account is written as `UseDevelopmentStorage=true`; an account whose
    /// endpoints follow the `{account}.{service}.{suffix}` pattern is written in the short form
    /// the Azure portal shows; any other is written with explicit endpoints.
    public var connectionString: String {
        var pairs: [(name: String, value: String)] = []
        if self.isDevelopmentStorage {
            pairs.append((KnownSetting.useDevelopmentStorage.rawValue, "true"))
            if let proxy = self.developmentStorageProxy {
                pairs.append((KnownSetting.developmentStorageProxyUri.rawValue, proxy))
            }
            return ConnectionString(pairs).text
        }
        let derivation = self.endpointDerivation
        if let derivation {
            pairs.append((KnownSetting.defaultEndpointsProtocol.rawValue, derivation.scheme))
        }
        pairs.append((KnownSetting.accountName.rawValue, self.name))
        switch self.credential {
        case .sharedKey(let key):
            pairs.append((KnownSetting.accountKey.rawValue, key.base64EncodedString))
        case .sharedAccessSignature(let signature):
            pairs.append((KnownSetting.sharedAccessSignature.rawValue, signature))
        case .anonymous:
            break
        }
        if let derivation {
            pairs.append((KnownSetting.endpointSuffix.rawValue, derivation.suffix))
        } else {
            let endpoints: [(KnownSetting, URL?)] = [
                (.tableEndpoint, self.tableEndpoint), (.queueEndpoint, self.queueEndpoint),
                (.blobEndpoint, self.blobEndpoint),
            ]
            for case (let setting, let endpoint?) in endpoints {
                pairs.append((setting.rawValue, endpoint.absoluteString))
            }
        }
        return ConnectionString(pairs).text
    }
}

// MARK: - Settings

/// The setting names Baton understands, spelled as Azure documents them.
private enum KnownSetting: String, CaseIterable, Sendable {
    case defaultEndpointsProtocol = "DefaultEndpointsProtocol"
    case accountName = "AccountName"
    case accountKey = "AccountKey"
    case sharedAccessSignature = "SharedAccessSignature"
    case endpointSuffix = "EndpointSuffix"
    case tableEndpoint = "TableEndpoint"
    case queueEndpoint = "QueueEndpoint"
    case blobEndpoint = "BlobEndpoint"
    case tableSecondaryEndpoint = "TableSecondaryEndpoint"
    case queueSecondaryEndpoint = "QueueSecondaryEndpoint"
    case blobSecondaryEndpoint = "BlobSecondaryEndpoint"
    case fileEndpoint = "FileEndpoint"
    case fileSecondaryEndpoint = "FileSecondaryEndpoint"
    case useDevelopmentStorage = "UseDevelopmentStorage"
    case developmentStorageProxyUri = "DevelopmentStorageProxyUri"

    /// Settings accepted so that strings made for other tools work, but not used.
    static let ignoredEndpoints: [KnownSetting] = [
        .tableSecondaryEndpoint, .queueSecondaryEndpoint, .blobSecondaryEndpoint, .fileEndpoint,
        .fileSecondaryEndpoint,
    ]

    /// Looks a name up ignoring case, as Azure's own parsers do.
    init?(name: String) {
        guard let setting = Self.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() })
        else { return nil }
        self = setting
    }

    /// The known name closest to a mistyped one, if it is close enough to be a likely typo.
    static func suggestion(for name: String) -> KnownSetting? {
        let typed = Array(name.lowercased())
        let tolerance = max(2, typed.count / 5)
        let ranked = Self.allCases.map { ($0, editDistance(typed, Array($0.rawValue.lowercased()))) }
        guard let best = ranked.min(by: { $0.1 < $1.1 }), best.1 <= tolerance else { return nil }
        return best.0
    }
}

/// The number of single-character insertions, deletions and substitutions between two words.
private func editDistance(_ first: [Character], _ second: [Character]) -> Int {
    var previous = Array(0...second.count)
    for (firstIndex, firstCharacter) in first.enumerated() {
        var current = [firstIndex + 1]
        for (secondIndex, secondCharacter) in second.enumerated() {
            let substitution = previous[secondIndex] + (firstCharacter == secondCharacter ? 0 : 1)
            current.append(min(substitution, previous[secondIndex + 1] + 1, current[secondIndex] + 1))
        }
        previous = current
    }
    return previous[second.count]
}

// MARK: - Interpretation

extension StorageAccount {
    /// Maps every setting to a known name, rejecting unknown, repeated and empty ones, in the
    /// order they were written so the first mistake is the one reported.
    private static func recognizedSettings(in connectionString: ConnectionString) throws -> [KnownSetting: String] {
        var values: [KnownSetting: String] = [:]
        var segments: [KnownSetting: Int] = [:]
        for setting in connectionString.settings {
            guard let known = KnownSetting(name: setting.name) else {
                throw StorageConfigurationError(code: .unknownSetting, message: Self.unknownSettingMessage(setting))
            }
            if let firstSegment = segments[known] {
                throw StorageConfigurationError(
                    code: .duplicateSetting,
                    message:
                        "Setting '\(known.rawValue)' appears twice (segments \(firstSegment) and \(setting.segment)).")
            }
            guard !setting.value.isEmpty else {
                throw StorageConfigurationError(
                    code: .invalidSetting, message: "Setting '\(known.rawValue)' has no value.")
            }
            values[known] = setting.value
            segments[known] = setting.segment
        }
        return values
    }

    /// Names the unknown setting and the nearest known one, unless the name could be a secret
    /// pasted without its `AccountKey=` (a base64 key's `==` padding makes it look like a setting).
    private static func unknownSettingMessage(_ setting: ConnectionString.Setting) -> String {
        guard let quoted = ConnectionString.quotable(setting.name) else {
            return
                "Segment \(setting.segment) has an unknown setting; its name is not shown because it may be a secret."
        }
        guard let suggestion = KnownSetting.suggestion(for: setting.name) else {
            return "Unknown setting '\(quoted)'."
        }
        return "Unknown setting '\(quoted)'. Did you mean '\(suggestion.rawValue)'?"
    }

    /// The emulator account for `UseDevelopmentStorage=true`, moved to `DevelopmentStorageProxyUri`
    /// if given.
    ///
    /// Everything else is rejected rather than ignored: an `AccountName` or endpoint next to
    /// `UseDevelopmentStorage` shows the user expects it to matter, and silently dropping it
    /// would send requests somewhere they did not ask for.
    private static func developmentStorage(_ value: String, settings: [KnownSetting: String]) throws -> StorageAccount {
        guard value.lowercased() == "true" else {
            throw StorageConfigurationError(
                code: .invalidSetting,
                message: "Setting 'UseDevelopmentStorage' can only be 'true'; leave it out to use a real account.")
        }
        let allowed: Set<KnownSetting> = [.useDevelopmentStorage, .developmentStorageProxyUri]
        if let other = KnownSetting.allCases.first(where: { settings[$0] != nil && !allowed.contains($0) }) {
            throw StorageConfigurationError(
                code: .conflictingSettings,
                message: "Setting '\(other.rawValue)' cannot be combined with 'UseDevelopmentStorage=true'.")
        }
        guard settings[.developmentStorageProxyUri] != nil else { return .developmentStorage }
        let proxy = try Self.endpointComponents(.developmentStorageProxyUri, in: settings)
        guard proxy.port == nil, ["", "/"].contains(proxy.percentEncodedPath), let host = proxy.percentEncodedHost
        else {
            throw StorageConfigurationError(
                code: .invalidEndpoint,
                message:
                    "'DevelopmentStorageProxyUri' must be only a scheme and host, such as http://azurite; the ports are fixed."
            )
        }
        return .developmentStorage(scheme: proxy.scheme ?? "http", host: host)
    }

    /// An account from explicit settings, deriving what the settings leave out.
    private static func account(settings: [KnownSetting: String]) throws -> StorageAccount {
        if settings[.developmentStorageProxyUri] != nil {
            throw StorageConfigurationError(
                code: .missingSetting,
                message: "Setting 'DevelopmentStorageProxyUri' needs 'UseDevelopmentStorage=true'.")
        }
        let scheme = try Self.endpointsProtocol(in: settings)
        let suffix = try Self.endpointSuffix(in: settings)
        let givenName = try Self.accountName(in: settings)
        let credential = try Self.credential(in: settings, accountName: givenName)

        var table = try Self.endpoint(.tableEndpoint, in: settings)
        var queue = try Self.endpoint(.queueEndpoint, in: settings)
        var blob = try Self.endpoint(.blobEndpoint, in: settings)
        for ignored in KnownSetting.ignoredEndpoints {
            _ = try Self.endpoint(ignored, in: settings)
        }

        let hasExplicitEndpoint = table != nil || queue != nil || blob != nil
        if !hasExplicitEndpoint || settings[.endpointSuffix] != nil {
            guard let givenName else {
                let message =
                    hasExplicitEndpoint
                    ? "Setting 'AccountName' is required to build endpoints from 'EndpointSuffix'."
                    : "Setting 'AccountName' is missing; give it, or give explicit endpoints such as 'TableEndpoint'."
                throw StorageConfigurationError(code: .missingSetting, message: message)
            }
            let derived = Self.derivedEndpoints(accountName: givenName, scheme: scheme, suffix: suffix)
            table = table ?? derived.table
            queue = queue ?? derived.queue
            blob = blob ?? derived.blob
        }

        let name = givenName ?? [table, queue, blob].lazy.compactMap { $0.flatMap(Self.accountName(from:)) }.first
        guard let name else {
            throw StorageConfigurationError(
                code: .missingSetting,
                message: "Setting 'AccountName' is missing and cannot be read from the endpoints.")
        }
        return StorageAccount(
            name: name, credential: credential, tableEndpoint: table, queueEndpoint: queue, blobEndpoint: blob,
            isDevelopmentStorage: false)
    }

    /// `DefaultEndpointsProtocol` in lower case, `https` by default.
    private static func endpointsProtocol(in settings: [KnownSetting: String]) throws -> String {
        guard let value = settings[.defaultEndpointsProtocol] else { return "https" }
        let scheme = value.lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw StorageConfigurationError(
                code: .invalidSetting, message: "'DefaultEndpointsProtocol' must be http or https.")
        }
        return scheme
    }

    /// `EndpointSuffix`, `core.windows.net` by default.
    private static func endpointSuffix(in settings: [KnownSetting: String]) throws -> String {
        guard let suffix = settings[.endpointSuffix] else { return "core.windows.net" }
        guard Self.isHostNameSuffix(suffix) else {
            throw StorageConfigurationError(
                code: .invalidSetting,
                message: "'EndpointSuffix' must be a host name suffix such as core.windows.net.")
        }
        return suffix
    }

    /// `AccountName`, checked to be usable as a host label and a URL path segment.
    private static func accountName(in settings: [KnownSetting: String]) throws -> String? {
        guard let name = settings[.accountName] else { return nil }
        guard Self.isAccountName(name) else {
            throw StorageConfigurationError(
                code: .invalidSetting, message: "'AccountName' must contain only ASCII letters and digits.")
        }
        return name
    }

    /// The credential from `AccountKey` or `SharedAccessSignature`, or anonymous when neither.
    private static func credential(in settings: [KnownSetting: String], accountName: String?) throws
        -> StorageCredential
    {
        switch (settings[.accountKey], settings[.sharedAccessSignature]) {
        case (_?, _?):
            throw StorageConfigurationError(
                code: .conflictingSettings, message: "AccountKey and SharedAccessSignature cannot both be given.")
        case (let keyText?, nil):
            let key: StorageAccountKey
            do {
                key = try StorageAccountKey(base64: keyText)
            } catch {
                throw StorageConfigurationError(
                    code: .invalidAccountKey, message: "Setting 'AccountKey' is not valid base64.")
            }
            // Shared-key signatures include the account name, so it must be exact, not guessed.
            guard accountName != nil else {
                throw StorageConfigurationError(
                    code: .missingSetting, message: "Setting 'AccountName' is required with 'AccountKey'.")
            }
            return .sharedKey(key)
        case (nil, let signatureText?):
            // Portals and SDKs show a SAS both with and without the `?` that starts a query.
            let signature = signatureText.hasPrefix("?") ? String(signatureText.dropFirst()) : signatureText
            let hasSignature = signature.split(separator: "&").contains { parameter in
                parameter.lowercased().hasPrefix("sig=") && parameter.count > "sig=".count
            }
            guard hasSignature else {
                throw StorageConfigurationError(
                    code: .invalidSetting,
                    message: "'SharedAccessSignature' has no 'sig' parameter; copy the whole SAS query string.")
            }
            return .sharedAccessSignature(signature)
        case (nil, nil):
            return .anonymous
        }
    }

    /// Whether `host`, as `URLComponents` decodes it, is a DNS name, an IPv4 address or a bracketed
    /// IPv6 literal. URLs allow more (`%3B` decodes to `;`, and `=` and `&` are legal), but such a
    /// host is no storage endpoint, and one holding `;` could not even be written back into a
    /// connection string.
    private static func isHostName(_ host: String) -> Bool {
        if host.hasPrefix("["), host.hasSuffix("]") {
            return host.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        return host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }
    }

    /// An endpoint setting as a service root URL without a trailing `/`, or `nil` if absent.
    private static func endpoint(_ setting: KnownSetting, in settings: [KnownSetting: String]) throws -> URL? {
        guard settings[setting] != nil else { return nil }
        var components = try Self.endpointComponents(setting, in: settings)
        while components.percentEncodedPath.hasSuffix("/") {
            components.percentEncodedPath.removeLast()
        }
        guard let url = components.url else {
            throw StorageConfigurationError(
                code: .invalidEndpoint, message: "'\(setting.rawValue)' is not an absolute http or https URL.")
        }
        return url
    }

    /// An endpoint setting parsed and checked to be an absolute http or https URL that holds no
    /// credentials, with its scheme in lower case.
    ///
    /// Messages name the setting only: an endpoint pasted with a SAS query must not echo it.
    private static func endpointComponents(_ setting: KnownSetting, in settings: [KnownSetting: String]) throws
        -> URLComponents
    {
        guard let text = settings[setting], var components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty, (1...65535).contains(components.port ?? 443)
        else {
            throw StorageConfigurationError(
                code: .invalidEndpoint, message: "'\(setting.rawValue)' is not an absolute http or https URL.")
        }
        guard components.user == nil, components.password == nil else {
            throw StorageConfigurationError(
                code: .invalidEndpoint, message: "'\(setting.rawValue)' must not contain a user name or password.")
        }
        guard Self.isHostName(host) else {
            throw StorageConfigurationError(
                code: .invalidEndpoint,
                message: "'\(setting.rawValue)' has a host that is not a DNS name or an IP address.")
        }
        guard components.query == nil, components.fragment == nil else {
            throw StorageConfigurationError(
                code: .invalidEndpoint,
                message:
                    "'\(setting.rawValue)' must not have a query or fragment; give a SAS in 'SharedAccessSignature'.")
        }
        components.scheme = scheme
        return components
    }

    /// The `{scheme}://{account}.{service}.{suffix}` endpoints of every service.
    private static func derivedEndpoints(accountName: String, scheme: String, suffix: String)
        -> (table: URL, queue: URL, blob: URL)
    {
        func endpoint(service: String) -> URL {
            var components = URLComponents()
            components.scheme = scheme
            components.host = "\(accountName).\(service).\(suffix)"
            guard let url = components.url else {
                preconditionFailure("A checked account name and suffix always form a host name.")
            }
            return url
        }
        return (endpoint(service: "table"), endpoint(service: "queue"), endpoint(service: "blob"))
    }

    /// The account name an endpoint addresses: the first path segment of a path-style URL
    /// (emulators, `http://127.0.0.1:10002/devstoreaccount1`), else the first label of a host
    /// name (`https://acct.table.core.windows.net`); `nil` when neither is a valid name.
    private static func accountName(from endpoint: URL) -> String? {
        guard let components = URLComponents(url: endpoint, resolvingAgainstBaseURL: false) else { return nil }
        if let first = components.path.split(separator: "/").first {
            return Self.isAccountName(first) ? String(first) : nil
        }
        guard let host = components.host, host.contains("."), !host.contains(":"),
            !host.allSatisfy({ $0.isNumber || $0 == "." }),
            let label = host.split(separator: ".").first, Self.isAccountName(label)
        else { return nil }
        return String(label)
    }

    /// Whether a name can stand in a host label and a path segment unchanged.
    private static func isAccountName(_ name: some StringProtocol) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    /// Whether text is dot-separated host labels of ASCII letters, digits and inner hyphens.
    private static func isHostNameSuffix(_ suffix: String) -> Bool {
        let labels = suffix.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    // MARK: Writing back

    /// The `DevelopmentStorageProxyUri` that moves the emulator account to its current host, or
    /// `nil` when it is at the default `http://127.0.0.1`.
    private var developmentStorageProxy: String? {
        guard let table = self.tableEndpoint, self != .developmentStorage,
            let components = URLComponents(url: table, resolvingAgainstBaseURL: false)
        else { return nil }
        var root = URLComponents()
        root.scheme = components.scheme
        root.percentEncodedHost = components.percentEncodedHost
        return root.string
    }

    /// The protocol and suffix from which all three endpoints derive, if they do.
    private var endpointDerivation: (scheme: String, suffix: String)? {
        guard let table = self.tableEndpoint, let scheme = table.scheme,
            let host = URLComponents(url: table, resolvingAgainstBaseURL: false)?.host
        else { return nil }
        let prefix = "\(self.name).table."
        guard host.hasPrefix(prefix) else { return nil }
        let suffix = String(host.dropFirst(prefix.count))
        guard Self.isHostNameSuffix(suffix) else { return nil }
        let derived = Self.derivedEndpoints(accountName: self.name, scheme: scheme, suffix: suffix)
        guard derived.table == table, derived.queue == self.queueEndpoint, derived.blob == self.blobEndpoint
        else { return nil }
        return (scheme, suffix)
    }
}
