/// Fixed-width columns for terminal tables.
public enum TextTable {
    /// Renders `header` and `rows` in columns two spaces apart, no trailing spaces.
    ///
    /// When the table is wider than `maxWidth`, the widest columns are narrowed (cells cut
    /// with `…`) until it fits or every column is down to 4 characters.
    /// - Parameter rightAligned: column indexes to align right (numbers).
    public static func render(header: [String], rows: [[String]], maxWidth: Int = .max,
                              rightAligned: Set<Int> = []) -> String {
        let all = [header] + rows
        var widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        let gaps = 2 * max(widths.count - 1, 0)
        while widths.reduce(gaps, +) > maxWidth, let widest = widths.indices.max(by: { widths[$0] < widths[$1] }),
              widths[widest] > 4 {
            widths[widest] -= 1
        }
        return all.map { row in
            let cells = row.enumerated().map { index, cell -> String in
                let text = cell.count > widths[index] ? cell.prefix(widths[index] - 1) + "…" : cell
                let padding = String(repeating: " ", count: widths[index] - text.count)
                if rightAligned.contains(index) { return padding + text }
                return index == row.count - 1 ? text : text + padding
            }
            return cells.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
