import Foundation

/// The one reader of files mailconf is handed (keys, certificates, secrets, a list):
/// a regular file, of bounded size, and for a secret one that only its owner may read.
public enum BoundedFile {
    public enum Problem: Error, CustomStringConvertible, Equatable {
        case cannotRead(String)
        case notRegular
        case readableByOthers(mode: String)
        case tooLarge(limit: Int)

        public var description: String {
            switch self {
            case .cannotRead(let why): return "cannot be read (\(why))"
            case .notRegular: return "is not a regular file"
            case .readableByOthers(let mode): return "may be read by others (mode \(mode)); chmod 600 it"
            case .tooLarge(let limit): return "is over \(limit) bytes"
            }
        }
    }

    /// The file's bytes, at most `limit`; with `ownerOnly`, refused when its group or
    /// others may read it.
    public static func read(_ path: String, limit: Int, ownerOnly: Bool = false) throws(Problem) -> Data {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .cannotRead(String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notRegular }
        if ownerOnly, info.st_mode & 0o077 != 0 { throw .readableByOthers(mode: String(info.st_mode & 0o777, radix: 8)) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .cannotRead("open failed") }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: limit + 1) else { throw .cannotRead("read failed") }
        guard data.count <= limit else { throw .tooLarge(limit: limit) }
        return data
    }
}

/// A secret read from a file (a password, bearer tokens, a private key): a regular file
/// that only its owner may read, of bounded size.
public enum PrivateFile {
    public typealias Problem = BoundedFile.Problem

    /// The file's bytes, at most `limit`.
    public static func read(_ path: String, limit: Int) throws(Problem) -> Data {
        try BoundedFile.read(path, limit: limit, ownerOnly: true)
    }
}
