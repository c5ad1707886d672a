import Catalog
import MailFormats
import MailSettings

/// A failure the command line reports: a stable kind for `--json` and a sentence
/// that says what went wrong and what to do.
struct CLIError: Error, Encodable {
    var kind: String
    var message: String

    init(kind: String, message: String) {
        self.kind = kind
        self.message = message
    }

    init(_ error: CatalogError) {
        self.init(kind: error.kind, message: error.description)
    }

    init(_ error: ValidationError) {
        self.init(kind: error.kind, message: error.description)
    }

    init(_ error: FormatError) {
        self.init(kind: error.kind.rawValue, message: error.description)
    }
}

/// Runs catalog work and turns its typed errors into CLI errors.
func attempt<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let e as CatalogError {
        throw CLIError(e)
    } catch let e as ValidationError {
        throw CLIError(e)
    } catch let e as FormatError {
        throw CLIError(e)
    }
}
