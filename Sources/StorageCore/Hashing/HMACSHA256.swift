//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import COpenSSL

/// HMAC-SHA256 and SHA-256 through OpenSSL's one-shot functions.
///
/// The one-shot `HMAC()` call is not deprecated in OpenSSL 3 (only the `HMAC_CTX_*` family is) and
/// is thread-safe, so no context needs to be shared between threads.
package enum HMACSHA256 {
    /// The HMAC-SHA256 of `message` under `key`: 32 bytes.
    package static func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
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
