import Foundation
import Testing
import TestSupport

/// Kerberos is loaded at run time: the binary links no Kerberos library, so it builds and
/// runs where only the Kerberos runtime is installed, or none at all.
@Suite(.serialized) struct KerberosAtRunTime {
    /// The NEEDED entries of the binary's dynamic section, as readelf (binutils) reads them.
    static func neededLibraries(of binary: URL) throws -> [String] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["readelf", "--dynamic", "--wide", binary.path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0, "readelf -d \(binary.path) failed: is binutils installed?")
        // " 0x0000000000000001 (NEEDED)             Shared library: [libxml2.so.2]"
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard line.contains("(NEEDED)"), let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") else { return nil }
            return String(line[line.index(after: open)..<close])
        }
    }

    @Test func theBinaryLinksNoKerberosLibrary() throws {
        let needed = try Self.neededLibraries(of: CLI.binary)
        // The two system libraries mailconf is built with are there, so the list was read.
        #expect(needed.contains { $0.hasPrefix("libxml2.so") }, "\(needed)")
        #expect(needed.contains { $0.hasPrefix("libsqlite3.so") }, "\(needed)")
        let isKerberos: (String) -> Bool = { $0.contains("gssapi") || $0.contains("krb5") || $0.contains("k5crypto") }
        #expect(!needed.contains(where: isKerberos), "the mailconf binary needs \(needed.filter(isKerberos)) at load time: Kerberos must be opened with dlopen")
        // The same reading sees Kerberos where it is linked (kinit, from the lab's krb5-user).
        let kinit = URL(fileURLWithPath: "/usr/bin/kinit")
        if FileManager.default.fileExists(atPath: kinit.path) {
            #expect(try Self.neededLibraries(of: kinit).contains(where: isKerberos))
        }
    }

    @Test(.needs(.labKerberos))
    func aGSSAPILibraryThatDoesNotLoadIsKerberosUnavailable() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let lab = try #require(LabServers.current)
        let krb = try #require(lab.kerberos)
        let folder = TemporaryFolder()
        let cache = try krb.ticketCache(in: folder)
        let args = ["verify", "--host", "localhost", "--port", String(lab.port(.gssapi)), "--security", "none",
                    "--auth", "gssapi", "--json"]
        let missing = try cli.run(args, env: ["MAILCONF_GSSAPI_LIBRARY": "/nonexistent",
                                              "KRB5CCNAME": cache, "KRB5_CONFIG": krb.config])
        #expect(missing.status == 1, "\(missing.out) \(missing.err)")
        let results = try #require(try missing.json() as? [[String: Any]])
        #expect(results.first?["kind"] as? String == "kerberos-unavailable", "\(missing.out)")
        let message = results.first?["message"] as? String ?? ""
        #expect(message.contains("/nonexistent") && message.contains("MAILCONF_GSSAPI_LIBRARY"), "\(message)")
        // Nothing else is the matter: the same login with the system's library works.
        let works = try cli.run(args, env: ["KRB5CCNAME": cache, "KRB5_CONFIG": krb.config])
        #expect(works.status == 0, "\(works.out) \(works.err)")

        // Other commands do not care.
        let shown = try cli.run(["providers", "show", "gmail"], env: ["MAILCONF_GSSAPI_LIBRARY": "/nonexistent"])
        #expect(shown.status == 0 && shown.out.contains("smtp.gmail.com"), "\(shown.err)")
    }
}
