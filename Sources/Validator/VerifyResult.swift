import Failures
import Foundation
import MailNet
import SMTPClient

/// The outcome of one live check: ok, or a stable failure kind and a sentence for people,
/// with what was learnt on the way.
public struct VerifyResult: Sendable, Codable {
    public var setting: String
    public var ok: Bool
    /// Stable machine-readable failure kind (`tls-required`, `auth-rejected`, …); nil when ok.
    public var kind: FailureKind?
    public var message: String
    public var addresses: [AddressAttempt]
    public var capabilitiesBeforeTLS: [String]?
    public var capabilities: [String]?
    public var authMechanisms: [String]?
    public var mechanismUsed: String?
    public var tls: TLSDetails?
    /// Seconds spent in each phase, in order.
    public var timings: [PhaseTiming]
    public var transcript: Transcript?
    public var totalSeconds: Double
    /// Other settings on the same host tried after a failure, in order of preference.
    public var alternatives: [AlternativeOutcome]? = nil
    /// The first alternative that works, said for people.
    public var suggestion: String? = nil
    /// The server's queue id for the test message, when it said one.
    public var queueID: String? = nil
    /// How many times a temporary (4xx) refusal of the test message was retried.
    public var retries: Int = 0
    /// Every problem the server's certificate has (untrusted chain, dates, name), in the
    /// order TLS libraries check; `kind` is the first. nil when the certificate was not at fault.
    public var certificateProblems: [FailureKind]? = nil
}

public struct AlternativeOutcome: Sendable, Codable, Equatable {
    public var setting: String
    public var mechanism: String?
    public var ok: Bool
    public var kind: FailureKind?
}

public struct PhaseTiming: Sendable, Codable, Equatable {
    public var phase: String
    public var seconds: Double
}

extension PhaseTiming {
    /// Time per phase from the transcript: from a phase's first entry to the next phase's first.
    static func phases(of t: Transcript) -> [PhaseTiming] {
        var out: [PhaseTiming] = []
        var current: (phase: String, start: Double)?
        for e in t.entries {
            if current?.phase != e.phase {
                if let c = current { out.append(PhaseTiming(phase: c.phase, seconds: e.time - c.start)) }
                current = (e.phase, e.time)
            }
        }
        if let c = current, let last = t.entries.last { out.append(PhaseTiming(phase: c.phase, seconds: last.time - c.start)) }
        return out
    }
}
