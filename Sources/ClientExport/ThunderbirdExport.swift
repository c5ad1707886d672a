import MailFormats

/// clientConfig, the file Thunderbird fetches from autoconfig URLs and the ISPDB: v1.1,
/// or the IETF draft's v1.2 when asked. Placeholders stay unless an address is given:
/// Thunderbird fills them in itself.
enum ThunderbirdExport {
    static func render(_ input: ExportInput, version: ClientConfig.Version, includeExtension: Bool) throws(ExportError) -> String {
        do {
            return try ClientConfig.write(input.provider, version: version, address: input.address,
                                          includeExtension: includeExtension)
        } catch {
            throw ExportError(.unrepresentable, error.description)
        }
    }
}
