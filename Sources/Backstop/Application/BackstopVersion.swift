/// Backstop's version, shown by `--version` and in `backstop_build_info`.
package enum BackstopVersion {
    package static let version = "0.1.0"
    package static let revision = "dev"
}
