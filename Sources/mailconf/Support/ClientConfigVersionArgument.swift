import ArgumentParser
import MailFormats

/// `--config-version 1.1|1.2` for export and serve.
extension ClientConfig.Version: ExpressibleByArgument {}
