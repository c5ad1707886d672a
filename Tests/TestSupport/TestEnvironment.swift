import Foundation

/// What lives outside the repository and is not the lab: the ISPDB copy.
public enum TestEnvironment {
    /// The Thunderbird ISPDB copy: `MAILCONF_ISPDB` (empty: none), else `../shared/ispdb`
    /// beside the checkout; nil when that is not a folder.
    public static func ispdbDirectory() -> URL? {
        let url: URL
        switch ProcessInfo.processInfo.environment["MAILCONF_ISPDB"] {
        case ""?: return nil
        case let path?: url = URL(fileURLWithPath: path)
        case nil: url = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/ispdb")
        }
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue ? url : nil
    }
}

/// The repository's root (for schemas/, scripts/ and the like), found from this source file.
public let repositoryRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
