//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

/// Opaque continuation tokens for `NextTableName`, `NextPartitionKey` and `NextRowKey`.
///
/// Azure's tokens are opaque (`1!8!dXNlcg--`), and clients must not read them; ours are a
/// version tag and the key in URL-safe base64, so any key survives a query string untouched
/// and a hand-made or damaged token is refused instead of silently starting elsewhere.
enum ContinuationToken {
    private static let prefix = "1!"

    static func encode(_ key: String) -> String {
        let base64 = Data(key.utf8).base64EncodedString()
        var token = Self.prefix
        token.reserveCapacity(base64.count + 2)
        for character in base64 {
            switch character {
            case "+": token.append("-")
            case "/": token.append("_")
            case "=": continue
            default: token.append(character)
            }
        }
        return token
    }

    /// - Throws: 400 `InvalidInput` naming the parameter when the token is not one of ours.
    static func decode(_ token: String, parameter: String) throws(StorageError) -> String {
        guard token.hasPrefix(Self.prefix) else {
            throw .invalidInput("The continuation token in \(parameter) is not valid.")
        }
        var base64 = String(token.dropFirst(Self.prefix.count)).map { character -> Character in
            switch character {
            case "-": "+"
            case "_": "/"
            default: character
            }
        }.reduce(into: "") { $0.append($1) }
        while base64.count % 4 != 0 { base64.append("=") }
        guard let data = Data(base64Encoded: base64), let key = String(data: data, encoding: .utf8) else {
            throw .invalidInput("The continuation token in \(parameter) is not valid.")
        }
        return key
    }
}
