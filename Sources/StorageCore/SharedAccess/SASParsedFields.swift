//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// A SAS's fields checked and read as values, or the reason they cannot be.
///
/// The rules are Azure's: a present field must not be empty, times must be in an accepted
/// form, service SAS permissions must be in canonical order, and the mandatory fields of each
/// kind must be there — except those a stored access policy may supply.
struct SASParsedFields: Sendable {
    let kind: SASKind
    let start: PreciseTimestamp?
    let expiry: PreciseTimestamp?
    let addressRange: SASIPRange?
    let protocolRequirement: SASProtocol?
    /// `sp` as a bit mask in the kind's alphabet; `nil` when absent.
    let permissionMask: UInt32?
    let services: AccountSASServices?
    let resourceTypes: AccountSASResourceTypes?
    let presentedSignature: [UInt8]

    init(_ sas: SharedAccessSignature, kind: SASKind) throws(SASRejection) {
        self.kind = kind
        guard !sas.signature.isEmpty else { throw .authenticationFailed("sig is mandatory. Cannot be empty") }
        guard let signature = Data(base64Encoded: sas.signature), signature.count == 32 else {
            throw .authenticationFailed("Signature size is invalid")
        }
        self.presentedSignature = Array(signature)

        guard let version = sas.version, !version.isEmpty else {
            throw .authenticationFailed("sv is mandatory. Cannot be empty")
        }
        let minimum = kind == .account ? "2015-04-05" : "2012-02-12"
        guard Self.isVersion(version), version >= minimum else {
            throw .authenticationFailed(
                "sv is either not in the correct format or is not equal or later than version \(minimum)")
        }

        // Only a service SAS can defer its expiry and permissions to a stored access policy.
        let policyMaySupply = kind != .account && sas.identifier != nil
        try Self.checkPresentNotEmpty(sas.identifier, "si")
        try Self.checkPresentNotEmpty(sas.start, "st")
        try Self.checkPresentNotEmpty(sas.expiry, "se")
        try Self.checkPresentNotEmpty(sas.permissions, "sp")
        if !policyMaySupply {
            try Self.checkMandatory(sas.expiry, "se")
            try Self.checkMandatory(sas.permissions, "sp")
        }
        self.start = try Self.time(sas.start)
        self.expiry = try Self.time(sas.expiry)

        // Before 2015-04-05 neither field existed: they are neither signed nor enforced.
        if SharedAccessSignature.version(version, isAtLeast: "2015-04-05") {
            try Self.checkPresentNotEmpty(sas.ipRange, "sip")
            try Self.checkPresentNotEmpty(sas.protocols, "spr")
            self.addressRange = try sas.ipRange.map { text throws(SASRejection) in
                guard let range = SASIPRange(text) else { throw .malformed }
                return range
            }
            self.protocolRequirement = try sas.protocols.map { text throws(SASRejection) in
                guard let choice = SASProtocol(parsing: text) else { throw .malformed }
                return choice
            }
        } else {
            self.addressRange = nil
            self.protocolRequirement = nil
        }

        switch kind {
        case .account:
            try Self.checkMandatory(sas.services, "ss")
            try Self.checkMandatory(sas.resourceTypes, "srt")
            guard let services = sas.services.flatMap({ AccountSASServices($0) }),
                let resourceTypes = sas.resourceTypes.flatMap({ AccountSASResourceTypes($0) }),
                let permissions = sas.permissions.flatMap({ AccountSASPermissions($0) })
            else { throw .malformed }
            self.services = services
            self.resourceTypes = resourceTypes
            self.permissionMask = permissions.rawValue
        case .table:
            try Self.checkMandatory(sas.tableName, "tn")
            if sas.startRowKey != nil && sas.startPartitionKey == nil {
                throw .authenticationFailed("srk is required when spk is provided.")
            }
            if sas.endRowKey != nil && sas.endPartitionKey == nil {
                throw .authenticationFailed("erk is required when epk is provided.")
            }
            self.services = nil
            self.resourceTypes = nil
            self.permissionMask = try sas.permissions.map { text throws(SASRejection) in
                guard let permissions = TableSASPermissions(text) else { throw .malformed }
                return permissions.rawValue
            }
        case .queue:
            self.services = nil
            self.resourceTypes = nil
            self.permissionMask = try sas.permissions.map { text throws(SASRejection) in
                guard let permissions = QueueSASPermissions(text) else { throw .malformed }
                return permissions.rawValue
            }
        }
    }

    /// `YYYY-MM-DD`, digits and dashes in place.
    private static func isVersion(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10 else { return false }
        for (index, byte) in bytes.enumerated() {
            let isDash = index == 4 || index == 7
            guard isDash ? byte == UInt8(ascii: "-") : (0x30...0x39).contains(byte) else { return false }
        }
        return true
    }

    private static func checkPresentNotEmpty(_ value: String?, _ name: String) throws(SASRejection) {
        if let value, value.allSatisfy(\.isWhitespace) {
            throw .authenticationFailed("\(name) is optional but cannot be empty")
        }
    }

    private static func checkMandatory(_ value: String?, _ name: String) throws(SASRejection) {
        guard let value, !value.allSatisfy(\.isWhitespace) else {
            throw .authenticationFailed("\(name) is mandatory. Cannot be empty")
        }
    }

    private static func time(_ text: String?) throws(SASRejection) -> PreciseTimestamp? {
        guard let text else { return nil }
        guard let timestamp = SASTime.parse(text) else { throw .malformed }
        return timestamp
    }
}
