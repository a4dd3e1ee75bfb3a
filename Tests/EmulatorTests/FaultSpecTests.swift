//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import Testing

@Suite("Fault specification")
struct FaultSpecTests {
    @Test("every kind parses, and the text form reads back to the same value")
    func fullSpecification() throws {
        let spec = try FaultSpec(parsing: "latency=0.2:50ms, busy=0.05,internal=0.02,drop=0.05,slow=0.01:35s")
        #expect(spec.latency == FaultSpec.DelayedFault(probability: 0.2, duration: .milliseconds(50)))
        #expect(spec.busy == 0.05)
        #expect(spec.internalError == 0.02)
        #expect(spec.drop == 0.05)
        #expect(spec.slow == FaultSpec.DelayedFault(probability: 0.01, duration: .seconds(35)))
        #expect(spec.services == Set(FaultSpec.Service.allCases))
        #expect(try FaultSpec(parsing: spec.description) == spec)

        let limited = try FaultSpec(parsing: "drop=1,services=queue+table,latency=1:1.5s")
        #expect(limited.services == [.table, .queue])
        #expect(limited.latency?.duration == .milliseconds(1500))
        #expect(limited.description == "latency=1.0:1500ms,drop=1.0,services=table+queue")
        #expect(try FaultSpec(parsing: limited.description) == limited)
    }

    @Test("the empty string means no faults")
    func empty() throws {
        let spec = try FaultSpec(parsing: "")
        #expect(spec.isEmpty)
        #expect(spec.description == "")
        #expect(try FaultSpec(parsing: "busy=0").isEmpty)
    }

    @Test(
        "bad specifications are refused with a code and the offending part",
        arguments: [
            ("busy", FaultSpecError.Code.invalidSyntax, "busy"),
            ("=0.1", .invalidSyntax, "=0.1"),
            ("busy=0.1,", .invalidSyntax, "''"),
            ("crash=0.1", .unknownFault, "crash"),
            ("busy=0.1,busy=0.2", .duplicateFault, "busy"),
            ("busy=1.5", .invalidProbability, "busy=1.5"),
            ("drop=-0.1", .invalidProbability, "drop=-0.1"),
            ("drop=nan", .invalidProbability, "drop=nan"),
            ("latency=0.5", .invalidDuration, "latency=0.5"),
            ("latency=0.5:50", .invalidDuration, "'50'"),
            ("slow=0.5:-1s", .invalidDuration, "'-1s'"),
            ("slow=0.5:2h", .invalidDuration, "'2h'"),
            ("busy=0.6,drop=0.5", .probabilitiesExceedOne, "1.1"),
            ("busy=0.1,services=table+blob", .unknownService, "'blob'"),
        ])
    func refused(text: String, code: FaultSpecError.Code, quoted: String) {
        #expect {
            _ = try FaultSpec(parsing: text)
        } throws: { error in
            guard let error = error as? FaultSpecError else { return false }
            return error.code == code && error.message.contains(quoted)
        }
    }
}
