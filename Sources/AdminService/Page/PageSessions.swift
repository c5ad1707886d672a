import Crypto
import Synchronization

/// The web page's sign-ins, in memory: a session lasts 12 hours at most and ends after
/// 30 minutes unused, or at sign-out. The cookie holds a random id; only its SHA-256 is
/// kept here. Each session has its own CSRF token, which every form carries back. At
/// most `capacity` sessions are kept: past that the least recently used one ends.
final class PageSessions: Sendable {
    struct Session: Sendable {
        /// The SHA-256 of the cookie's value (hex): the session's name here.
        var key: String
        /// The label of the token signed in with (the history's "who").
        var label: String
        var csrf: String
        var started: ContinuousClock.Instant
        var lastUsed: ContinuousClock.Instant
        /// Said once on the next page shown ("Added example.org").
        var notice: String?
    }

    let idle: Duration
    let lifetime: Duration
    let capacity: Int
    private let sessions = Mutex<[String: Session]>([:])

    init(idle: Duration = .seconds(30 * 60), lifetime: Duration = .seconds(12 * 3600), capacity: Int = 1000) {
        self.idle = idle
        self.lifetime = lifetime
        self.capacity = capacity
    }

    static func key(_ cookie: String) -> String {
        SHA256.hash(data: Array(cookie.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }

    /// Starts a session for `label`; returns the cookie's value.
    func open(label: String, now: ContinuousClock.Instant = .now) -> String {
        let cookie = ConstantTime.randomToken()
        let session = Session(key: Self.key(cookie), label: label, csrf: ConstantTime.randomToken(), started: now, lastUsed: now)
        sessions.withLock { all in
            all = all.filter { !expired($0.value, now) }
            if all.count >= capacity, let oldest = all.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                all[oldest.key] = nil
            }
            all[session.key] = session
        }
        return cookie
    }

    /// The live session the cookie names, marked as used now.
    func find(_ cookie: String, now: ContinuousClock.Instant = .now) -> Session? {
        let key = Self.key(cookie)
        return sessions.withLock { all in
            guard var session = all[key] else { return nil }
            if expired(session, now) {
                all[key] = nil
                return nil
            }
            session.lastUsed = now
            all[key] = session
            return session
        }
    }

    func close(_ session: Session) {
        _ = sessions.withLock { $0.removeValue(forKey: session.key) }
    }

    /// Leaves a notice for the next page, and takes it back once shown.
    func setNotice(_ text: String, for session: Session) {
        sessions.withLock { $0[session.key]?.notice = text }
    }

    func takeNotice(for session: Session) -> String? {
        sessions.withLock { all in
            defer { all[session.key]?.notice = nil }
            return all[session.key]?.notice
        }
    }

    var count: Int { sessions.withLock { $0.count } }

    private func expired(_ s: Session, _ now: ContinuousClock.Instant) -> Bool {
        now - s.lastUsed > idle || now - s.started > lifetime
    }
}
