//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Why a fault specification such as `busy=0.05,drop=0.02` could not be read.
public struct FaultSpecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with the specification.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// An item is not `name=value`.
        public static let invalidSyntax = Code("invalidSyntax")
        /// The name is not one of the fault kinds, `services` or `seed`.
        public static let unknownFault = Code("unknownFault")
        /// The same fault kind is given twice.
        public static let duplicateFault = Code("duplicateFault")
        /// A probability is not a number from 0 to 1.
        public static let invalidProbability = Code("invalidProbability")
        /// A duration is missing, negative or without a unit of `ms` or `s`.
        public static let invalidDuration = Code("invalidDuration")
        /// `busy`, `internal`, `drop` and `slow` together exceed a probability of 1.
        public static let probabilitiesExceedOne = Code("probabilitiesExceedOne")
        /// `services` names something other than `table`, `queue` and `jobs`.
        public static let unknownService = Code("unknownService")

        /// The code's name.
        public var description: String { self.name }
    }

    /// What is wrong.
    public var code: Code
    /// The explanation, quoting the offending part.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The code and the message.
    public var description: String { "\(self.code): \(self.message)" }
}
