import Foundation

extension LabServers {
    /// The lab's Kerberos realm (a real MIT KDC), or nil for a lab started before it had one.
    public var kerberos: LabKerberos? {
        guard let dir = values["KRB5_DIR"], let config = values["KRB5_CONFIG"], let realm = values["KRB5_REALM"] else { return nil }
        return LabKerberos(directory: URL(fileURLWithPath: dir), config: config, realm: realm)
    }
}

/// The lab realm: alice's keytab, the mail server's keytab, and tickets made with kinit.
public struct LabKerberos: Sendable {
    public let directory: URL
    public let config: String
    public let realm: String

    public var aliceKeytab: String { directory.appendingPathComponent("alice.keytab").path }
    public var alice: String { "alice@\(realm)" }
    /// A principal of NOWHERE.TEST, a realm whose KDC never answers.
    public var nowhereKeytab: String { directory.appendingPathComponent("bob-nowhere.keytab").path }
    public var nowherePrincipal: String { "bob@NOWHERE.TEST" }
    /// A principal of SILENT.TEST, whose KDC port a test holds open and never answers on.
    public var silentKeytab: String { directory.appendingPathComponent("bob-silent.keytab").path }
    public var silentPrincipal: String { "bob@SILENT.TEST" }
    /// A key for carol@MAILCONF.TEST, whom the lab KDC does not know.
    public var unknownClientKeytab: String { directory.appendingPathComponent("carol-unknown.keytab").path }
    public var unknownClient: String { "carol@\(realm)" }

    /// A fresh credential cache in `folder` holding a ticket for alice, got with real kinit
    /// from her keytab. `lifetime` is kinit's -l (`3s`); `clockOffset` runs kinit under
    /// faketime (`+2h`), so the cache remembers a clock that far off the KDC's.
    /// `serviceTicket` also gets a ticket for that service (with kvno, under the same clock).
    public func ticketCache(in folder: TemporaryFolder, name: String = "ccache", lifetime: String? = nil,
                            clockOffset: String? = nil, serviceTicket: String? = nil) throws -> String {
        let cache = "FILE:" + folder.url.appendingPathComponent(name).path
        var args = ["-k", "-t", aliceKeytab, "-c", cache]
        if let lifetime { args += ["-l", lifetime] }
        args.append(alice)
        var environment = ProcessInfo.processInfo.environment
        environment["KRB5_CONFIG"] = config
        let result: Tool.Result
        if let clockOffset {
            result = try Tool.run("faketime", ["-f", clockOffset, Tool.path("kinit") ?? "kinit"] + args, environment: environment)
        } else {
            result = try Tool.run("kinit", args, environment: environment)
        }
        guard result.status == 0 else { throw KinitError(message: "kinit \(args.joined(separator: " ")) failed: \(result.stderr)") }
        if let serviceTicket {
            environment["KRB5CCNAME"] = cache
            let kvno = Tool.path("kvno") ?? "kvno"
            let r = try Tool.run(clockOffset == nil ? kvno : "faketime", (clockOffset.map { ["-f", $0, kvno] } ?? []) + [serviceTicket],
                                 environment: environment)
            guard r.status == 0 else { throw KinitError(message: "kvno \(serviceTicket) failed: \(r.stderr)") }
        }
        return cache
    }

    public struct KinitError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}
