import Failures
import Foundation

/// The account key and the certificates, as files under one folder (mode 0700), each
/// file mode 0600 and written whole (a temporary file, then rename):
///
///     DIR/account.key         the account's P-256 key (PEM)
///     DIR/account.url         the account's URL at the CA
///     DIR/DOMAIN.crt          the chain (PEM), DOMAIN.key its key
///
/// One folder per ACME directory URL (``folder(base:directoryURL:)``), so that a test CA's
/// certificates are never served once the real CA is configured.
public struct CertificateStore: Sendable {
    public let folder: String

    public init(folder: String) throws(ACMEError) {
        self.folder = folder
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder)
        } catch {
            throw ACMEError(.acmeStorage, "cannot create \(folder) for the ACME account and certificates: \(Self.reason(error)); make its parent writable by this user")
        }
    }

    /// BASE/HOST[_PORT]_PATH: a readable folder name for the directory URL.
    public static func folder(base: String, directoryURL: String) -> String {
        let url = URL(string: directoryURL)
        var name = (url?.host ?? "acme") + (url?.port.map { "_\($0)" } ?? "") + (url?.path ?? "")
        name = String(name.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" })
        return (base as NSString).appendingPathComponent(name)
    }

    /// The account key, made and stored on first use.
    public func accountKey() throws(ACMEError) -> AccountKey {
        let path = file("account.key")
        if let pem = try read(path, secret: true) {
            do { return try AccountKey(pem: pem) } catch {
                throw ACMEError(.acmeStorage, "\(path) holds no P-256 key in PEM: move it away and a new account is made")
            }
        }
        let key = AccountKey()
        try write(key.pem, to: path)
        return key
    }

    public func accountURL() throws(ACMEError) -> String? {
        try read(file("account.url"))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func saveAccountURL(_ url: String) throws(ACMEError) { try write(url + "\n", to: file("account.url")) }

    /// The stored certificate for a domain, if any.
    public func certificate(for domain: String) throws(ACMEError) -> IssuedCertificate? {
        let chainPath = file(domain + ".crt"), keyPath = file(domain + ".key")
        guard let chain = try read(chainPath), let key = try read(keyPath, secret: true) else { return nil }
        let time = (try? FileManager.default.attributesOfItem(atPath: chainPath)[.modificationDate] as? Date) ?? Date()
        return try IssuedCertificate(chainPEM: chain, keyPEM: key, source: chainPath, obtained: time)
    }

    /// Stores a certificate: the key first, so that a chain on disk always has its key.
    public func save(_ certificate: IssuedCertificate, for domain: String) throws(ACMEError) {
        try write(certificate.keyPEM, to: file(domain + ".key"))
        try write(certificate.chainPEM, to: file(domain + ".crt"))
    }

    func file(_ name: String) -> String {
        precondition(!name.contains("/") && !name.hasPrefix("."))
        return (folder as NSString).appendingPathComponent(name)
    }

    /// The file's text, or nil when there is none. A key (`secret`) is read only when no one
    /// but its owner may read it, as it was written; a chain may be shared (chmod 644).
    private func read(_ path: String, secret: Bool = false) throws(ACMEError) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return String(decoding: try BoundedFile.read(path, limit: 1 << 20, ownerOnly: secret), as: UTF8.self)
        } catch {
            throw ACMEError(.acmeStorage, secret ? "the key \(path) \(error)" : "\(path) \(error): check its owner and permissions")
        }
    }

    /// Written to a temporary file created 0600, then renamed over the old one.
    private func write(_ text: String, to path: String) throws(ACMEError) {
        let temporary = path + ".new"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ACMEError(.acmeStorage, "cannot write \(temporary): \(String(cString: strerror(errno))); make \(folder) writable by this user")
        }
        let bytes = Array(text.utf8)
        var written = 0
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            while written < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + written, raw.count - written)
                if n <= 0 { return false }
                written += n
            }
            return fsync(fd) == 0
        }
        fchmod(fd, 0o600)
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(temporary)
            throw ACMEError(.acmeStorage, "cannot write \(path): \(why)")
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
    }
}
