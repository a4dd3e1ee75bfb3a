//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import COpenSSL
import Synchronization

/// HMAC-SHA256 and SHA-256 through OpenSSL.
///
/// Each key is set up once: OpenSSL 3's one-shot `HMAC()` looks the algorithm and the digest up
/// by name and hashes the key's inner and outer pads on every call, which made up most of the
/// 5–7 % of a table request's CPU time that profiles showed in libcrypto, on the client and on
/// the emulator alike. A keyed `EVP_MAC_CTX` is kept per key and duplicated for each message;
/// the duplicate starts from the already hashed pads.
package enum HMACSHA256 {
    /// An `EVP_MAC_CTX` initialised with one key, used only as the source of duplicates.
    ///
    /// `@unchecked Sendable` because the context is only ever read, by `EVP_MAC_CTX_dup`, and
    /// only inside ``keyedContexts``' lock; it is freed once, when the last reference goes.
    private final class KeyedContext: @unchecked Sendable {
        let pointer: OpaquePointer

        init?(key: [UInt8]) {
            guard let algorithm = EVP_MAC_fetch(nil, "HMAC", nil) else { return nil }
            // The context keeps its own reference to the algorithm.
            defer { EVP_MAC_free(algorithm) }
            guard let context = EVP_MAC_CTX_new(algorithm) else { return nil }
            let initialised = "SHA256".withCString { digestName in
                var parameters = [
                    OSSL_PARAM_construct_utf8_string("digest", UnsafeMutablePointer(mutating: digestName), 0),
                    OSSL_PARAM_construct_end(),
                ]
                return key.withUnsafeBufferPointer { keyBuffer in
                    EVP_MAC_init(context, keyBuffer.baseAddress, keyBuffer.count, &parameters)
                }
            }
            guard initialised == 1 else {
                EVP_MAC_CTX_free(context)
                return nil
            }
            self.pointer = context
        }

        deinit {
            EVP_MAC_CTX_free(self.pointer)
        }
    }

    /// The keyed contexts by key. A process uses a handful of account keys; the bound only stops
    /// a caller cycling through many keys from growing this without end. The keys are held here
    /// as long as the credentials that pass them are, and are never printed.
    private static let keyedContexts = Mutex<[[UInt8]: KeyedContext]>([:])
    private static let maximumKeyedContexts = 64

    /// The HMAC-SHA256 of `message` under `key`: 32 bytes.
    package static func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let context = Self.keyedContexts.withLock { contexts -> OpaquePointer? in
            if let keyed = contexts[key] {
                return EVP_MAC_CTX_dup(keyed.pointer)
            }
            guard let keyed = KeyedContext(key: key) else { return nil }
            if contexts.count >= Self.maximumKeyedContexts {
                contexts.removeAll()
            }
            contexts[key] = keyed
            return EVP_MAC_CTX_dup(keyed.pointer)
        }
        // OpenSSL's EVP_MAC refuses an empty key, which the one-shot function accepts.
        guard let context else { return Self.oneShotAuthenticationCode(key: key, message: message) }
        defer { EVP_MAC_CTX_free(context) }
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length = 0
        let updated = message.withUnsafeBufferPointer { messageBuffer in
            EVP_MAC_update(context, messageBuffer.baseAddress, messageBuffer.count)
        }
        let finished = output.withUnsafeMutableBufferPointer { outputBuffer in
            EVP_MAC_final(context, outputBuffer.baseAddress, &length, outputBuffer.count)
        }
        precondition(updated == 1 && finished == 1, "OpenSSL HMAC-SHA256 failed")
        return Array(output.prefix(length))
    }

    /// `HMAC()` in one call, for keys a keyed context cannot be made for.
    private static func oneShotAuthenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let result = key.withUnsafeBufferPointer { keyBuffer in
            message.withUnsafeBufferPointer { messageBuffer in
                output.withUnsafeMutableBufferPointer { outputBuffer in
                    HMAC(
                        EVP_sha256(), keyBuffer.baseAddress, Int32(keyBuffer.count),
                        messageBuffer.baseAddress, messageBuffer.count, outputBuffer.baseAddress, &length)
                }
            }
        }
        // HMAC only fails on allocation failure inside OpenSSL; nothing sensible can follow that.
        precondition(result != nil, "OpenSSL HMAC-SHA256 failed")
        return Array(output.prefix(Int(length)))
    }

    /// Compares two byte strings in time that depends only on their length, so a verifier does
    /// not tell an attacker how many leading bytes of a forged signature were right.
    package static func constantTimeEquals(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        return left.withUnsafeBytes { leftBytes in
            right.withUnsafeBytes { rightBytes in
                CRYPTO_memcmp(leftBytes.baseAddress, rightBytes.baseAddress, leftBytes.count) == 0
            }
        }
    }
}
