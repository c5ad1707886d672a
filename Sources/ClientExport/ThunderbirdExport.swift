import MailFormats

/// clientConfig v1.1, the file Thunderbird fetches from autoconfig URLs and the ISPDB.
/// Placeholders stay unless an address is given: Thunderbird fills them in itself.
enum ThunderbirdExport {
    static func render(_ input: ExportInput, includeExtension: Bool) throws(ExportError) -> String {
        do {
            return try ClientConfig.write(input.provider, address: input.address, includeExtension: includeExtension)
        } catch {
            throw ExportError(.unrepresentable, error.description)
        }
    }
}
