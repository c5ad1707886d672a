import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The access log: one line per request, in the format of the service's other log lines
/// (`2026-12-01T16:48:26+0000 info mailconf.serve: [AutoconfigService] autoconfig
/// example.org 200 0.112 ms`). A line is appended to a buffer where the request is
/// answered; a thread of its own writes the buffer out every 50 ms, so no event loop
/// waits on a write. An address is personal data, so a line names only its domain
/// unless the operator asked for whole addresses.
public final class AccessLog: Sendable {
    private struct State {
        var pending: [UInt8] = []
        /// The second the cached time stamp is for, and the stamp.
        var second = 0
        var stamp: [UInt8] = []
        var stopped = false
    }

    private let state = Mutex(State())
    private let descriptor: Int32
    private let prefix: [UInt8]
    let logAddresses: Bool

    /// - descriptor: where lines go (standard error by default).
    public init(label: String = "mailconf.serve", logAddresses: Bool, descriptor: Int32 = STDERR_FILENO) {
        self.descriptor = descriptor
        self.logAddresses = logAddresses
        prefix = Array(" info \(label): [AutoconfigService] ".utf8)
        // The thread holds the log weakly: it ends with the log (or at stop()).
        let writer = Thread { [weak self] in
            while let log = self, !log.isStopped {
                log.flush()
                usleep(50_000)
            }
        }
        writer.name = "mailconf access log"
        writer.start()
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    /// One answered request. The line is put together as bytes, in the buffer itself.
    func record(_ endpoint: Endpoint, domain: String?, address: String?, status: Int, seconds: Double) {
        let who = logAddresses ? (address ?? domain ?? "-") : (domain ?? "-")
        // Milliseconds with three decimals, from the rounded microseconds.
        let micros = max(0, Int((seconds * 1_000_000).rounded()))
        let now = time(nil)
        state.withLock { s in
            if s.second != now {
                s.second = now
                s.stamp = Self.stamp(now)
            }
            s.pending += s.stamp
            s.pending += prefix
            s.pending += endpoint.rawValue.utf8
            s.pending.append(UInt8(ascii: " "))
            s.pending += who.utf8
            s.pending.append(UInt8(ascii: " "))
            Self.appendDecimal(status, to: &s.pending)
            s.pending.append(UInt8(ascii: " "))
            Self.appendDecimal(micros / 1000, to: &s.pending)
            s.pending.append(UInt8(ascii: "."))
            let fraction = micros % 1000
            s.pending.append(UInt8(ascii: "0") + UInt8(fraction / 100))
            s.pending.append(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
            s.pending.append(UInt8(ascii: "0") + UInt8(fraction % 10))
            s.pending += " ms\n".utf8
        }
    }

    private static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        if value >= 10 { appendDecimal(value / 10, to: &bytes) }
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// Writes out what is waiting now (also at shutdown).
    public func flush() {
        let lines = state.withLock { s -> [UInt8] in
            defer { s.pending.removeAll(keepingCapacity: true) }
            return s.pending
        }
        var written = 0
        while written < lines.count {
            let n = lines[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
            written += n
        }
    }

    /// Stops the writer thread after a last flush.
    public func stop() {
        state.withLock { $0.stopped = true }
        flush()
    }

    /// swift-log's time stamp, local time: `2026-12-01T16:48:26+0000`.
    static func stamp(_ when: time_t) -> [UInt8] {
        var seconds = when
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let n = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return buffer[..<n].map { UInt8(bitPattern: $0) }
    }
}
