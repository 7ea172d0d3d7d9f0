/// Puts the registry's output in a stable order: families by name, samples by labels
/// (histogram samples keep their bucket order).
///
/// swift-prometheus emits families in dictionary order, which changes with every process
/// (Swift seeds its hashing per process); operators diffing two scrapes, golden files and the
/// "identical after restart" guarantee all need one order. Runs once per state change, not per
/// scrape.
enum ExpositionOrdering {
    static func sorted(_ text: String) -> String {
        var families: [(name: String, header: [Substring], samples: [Substring], isHistogram: Bool)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                let name = line.dropFirst(7).prefix { $0 != " " }
                if families.last?.name != String(name) {
                    families.append((String(name), [], [], false))
                }
                if line.hasPrefix("# TYPE "), line.hasSuffix(" histogram") { families[families.count - 1].isHistogram = true }
                families[families.count - 1].header.append(line)
            } else if !families.isEmpty {
                families[families.count - 1].samples.append(line)
            }
        }
        families.sort { $0.name < $1.name }
        var output = ""
        for family in families {
            for line in family.header { output += line + "\n" }
            for line in family.isHistogram ? family.samples : family.samples.sorted() { output += line + "\n" }
        }
        return output
    }
}
