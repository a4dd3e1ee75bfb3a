//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

extension FaultSpec {
    /// Reads the text form described on ``FaultSpec``.
    ///
    /// - Throws: ``FaultSpecError`` naming the first item that is wrong.
    public init(parsing text: String) throws(FaultSpecError) {
        self.init()
        var seen: Set<String> = []
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        for item in items where !(item.isEmpty && items.count == 1) {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw FaultSpecError(
                    code: .invalidSyntax, message: "'\(item)' is not kind=value (in fault specification '\(text)')")
            }
            let name = String(item[..<equals]).lowercased()
            let value = String(item[item.index(after: equals)...])
            guard seen.insert(name).inserted else {
                throw FaultSpecError(code: .duplicateFault, message: "'\(name)' is given twice in '\(text)'")
            }
            switch name {
            case "latency": self.latency = try Self.delayedFault(name, value)
            case "busy": self.busy = try Self.probability(name, value)
            case "internal": self.internalError = try Self.probability(name, value)
            case "drop": self.drop = try Self.probability(name, value)
            case "slow": self.slow = try Self.delayedFault(name, value)
            case "services": self.services = try Self.services(value)
            default:
                throw FaultSpecError(
                    code: .unknownFault,
                    message: "unknown fault '\(name)'; the kinds are latency, busy, internal, drop, slow "
                        + "(and services=table+queue+jobs)")
            }
        }
        let exclusive = self.busy + self.internalError + self.drop + (self.slow?.probability ?? 0)
        guard exclusive <= 1 + 1e-9 else {
            throw FaultSpecError(
                code: .probabilitiesExceedOne,
                message: "busy, internal, drop and slow add up to \(exclusive); at most one happens per request, "
                    + "so they must add up to 1 at most")
        }
    }

    private static func probability(_ name: String, _ text: String) throws(FaultSpecError) -> Double {
        guard let value = Double(text), value.isFinite, (0...1).contains(value) else {
            throw FaultSpecError(
                code: .invalidProbability, message: "\(name)=\(text): the probability must be a number from 0 to 1")
        }
        return value
    }

    private static func delayedFault(_ name: String, _ text: String) throws(FaultSpecError) -> DelayedFault {
        guard let colon = text.firstIndex(of: ":") else {
            throw FaultSpecError(
                code: .invalidDuration,
                message: "\(name)=\(text): give a probability and a duration, such as \(name)=0.1:50ms")
        }
        let probability = try Self.probability(name, String(text[..<colon]))
        let durationText = String(text[text.index(after: colon)...])
        guard let duration = Self.duration(durationText) else {
            throw FaultSpecError(
                code: .invalidDuration,
                message: "\(name)=\(text): '\(durationText)' is not a duration such as 50ms or 1.5s")
        }
        return DelayedFault(probability: probability, duration: duration)
    }

    /// `<number>ms` or `<number>s`, not negative.
    private static func duration(_ text: String) -> Duration? {
        let lowered = text.lowercased()
        let (number, scale): (Substring, Double) =
            lowered.hasSuffix("ms")
            ? (lowered.dropLast(2), 0.001) : lowered.hasSuffix("s") ? (lowered.dropLast(1), 1) : ("", 0)
        guard let value = Double(number), value.isFinite, value >= 0, value * scale <= 3600 else {
            return nil
        }
        return .milliseconds(Int64((value * scale * 1000).rounded()))
    }

    private static func services(_ text: String) throws(FaultSpecError) -> Set<Service> {
        var services: Set<Service> = []
        for name in text.split(separator: "+", omittingEmptySubsequences: false) {
            guard let service = Service(rawValue: name.lowercased()) else {
                throw FaultSpecError(
                    code: .unknownService,
                    message: "services=\(text): '\(name)' is not table, queue or jobs (join several with +)")
            }
            services.insert(service)
        }
        return services
    }
}
