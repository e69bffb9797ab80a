using System.Globalization;
using System.Net;
using System.Text;

namespace SimdSoftmax.Cli.Compare;

/// <summary>
/// A hand-written SVG of a compare run: speedup over the scalar reference per kernel and implementation (log scale),
/// and square-GEMM GFLOPS against size with the measured FMA peaks as lines.
/// </summary>
internal static class SpeedupChart
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly Dictionary<string, string> Colors = new()
    {
        ["Scalar"] = "#9e9e9e",
        ["Avx2"] = "#1f77b4",
        ["Avx512"] = "#d62728",
        ["OpenBLAS"] = "#2ca02c",
        ["oneDNN"] = "#9467bd",
        ["MathNet"] = "#8c564b",
        ["TensorPrimitives.SoftMax"] = "#ff7f0e",
        ["TensorPrimitives stable"] = "#bcbd22",
        // The classifier's forms: the path's colour, light for composed, full for fused.
        ["Avx2 composed"] = "#aec7e8",
        ["Avx2 fused"] = "#1f77b4",
        ["Avx512 composed"] = "#ff9896",
        ["Avx512 fused"] = "#d62728",
        ["OpenBLAS composition"] = "#2ca02c",
    };

    private static string ColorOf(string name) => Colors.TryGetValue(name, out string? c) ? c : "#7f7f7f";

    public static void Write(string path, IReadOnlyList<CompareRow> rows, MachineHeader machine)
    {
        const int width = 1000, barPanelLeft = 300, barPanelWidth = 640, barHeight = 9, groupGap = 10;
        var kernels = rows.Where(r => double.IsFinite(r.SpeedupVsScalar) && r.Implementation != "Scalar")
            .GroupBy(r => r.Kernel).ToList();
        int barsHeight = kernels.Sum(g => g.Count() * barHeight + groupGap);
        int top = 70, barsTop = top + 30;
        // Legend under the bars, wrapped into rows that fit the width.
        var legend = new List<(string Name, int X, int Row)>();
        int lx = 20, legendRow = 0;
        foreach (string n in kernels.SelectMany(g => g).Select(r => r.Implementation).Distinct())
        {
            int w = 30 + n.Length * 7;
            if (lx + w > width - 20) { lx = 20; legendRow++; }
            legend.Add((n, lx, legendRow));
            lx += w;
        }
        int legendTop = barsTop + barsHeight + 30;
        int linesTop = legendTop + (legendRow + 1) * 20 + 50, linesHeight = 300;
        int height = linesTop + linesHeight + 40;
        var svg = new StringBuilder();
        svg.AppendLine(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">");
        svg.AppendLine(Inv, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>");
        Text(svg, 20, 28, $"SimdSoftmax compare — {machine.Cpu}, {machine.Runtime}, {machine.Date}", 16, "bold");
        Text(svg, 20, 48, $"ISA {machine.Isa}. FMA peak {machine.FmaPeak256:F0} / {machine.FmaPeak512:F0} GFLOPS (256/512-bit), {machine.CopyText}, {machine.ThreadsLabel}.", 12);

        // Panel 1: speedup over scalar, log10 axis from 0.5× to the largest speedup.
        Text(svg, 20, top + 15, "Speedup over the scalar reference (log scale)", 14, "bold");
        double maxSpeed = Math.Max(10, kernels.SelectMany(g => g).Max(r => (double?)r.SpeedupVsScalar) ?? 10);
        double lo = Math.Log10(0.5), hi = Math.Log10(maxSpeed * 1.3);
        double X(double speed) => barPanelLeft + (Math.Log10(Math.Max(speed, 0.5)) - lo) / (hi - lo) * barPanelWidth;
        for (double tick = 1; tick <= maxSpeed * 1.3; tick *= 10)
        {
            foreach (double t in new[] { tick, tick * 2, tick * 5 })
            {
                if (t > maxSpeed * 1.3) break;
                double x = X(t);
                svg.AppendLine(Inv, $"<line x1=\"{x:F1}\" y1=\"{barsTop - 5}\" x2=\"{x:F1}\" y2=\"{barsTop + barsHeight}\" stroke=\"{(t == tick ? "#bbb" : "#eee")}\"/>");
                if (t == tick || t == tick * 5) Text(svg, x - 8, barsTop + barsHeight + 14, $"{t:G}×", 10);
            }
        }
        int y = barsTop;
        foreach (var group in kernels)
        {
            Text(svg, barPanelLeft - 8, y + group.Count() * barHeight / 2.0 + 4, group.Key, 11, anchor: "end");
            foreach (CompareRow r in group)
            {
                double x1 = X(r.SpeedupVsScalar);
                svg.AppendLine(Inv, $"<rect x=\"{X(0.5):F1}\" y=\"{y}\" width=\"{Math.Max(1, x1 - X(0.5)):F1}\" height=\"{barHeight - 1}\" fill=\"{ColorOf(r.Implementation)}\"><title>{Esc(r.Kernel)} — {Esc(r.Implementation)}: {r.SpeedupVsScalar:F1}×</title></rect>");
                Text(svg, x1 + 4, y + barHeight - 1, string.Create(Inv, $"{r.SpeedupVsScalar:F1}×"), 9);
                y += barHeight;
            }
            y += groupGap;
        }
        foreach (var (n, x, row) in legend)
        {
            int ly = legendTop + row * 20;
            svg.AppendLine(Inv, $"<rect x=\"{x}\" y=\"{ly}\" width=\"12\" height=\"12\" fill=\"{ColorOf(n)}\"/>");
            Text(svg, x + 16, ly + 10, n, 11);
        }

        // Panel 2: square GEMM GFLOPS vs size.
        Text(svg, 20, linesTop - 20, "Square SGEMM: GFLOPS vs size (dashed: measured FMA peaks)", 14, "bold");
        var gemm = rows.Where(r => r.Family == "gemm" && SquareSize(r.Kernel) > 0 && double.IsFinite(r.Gflops)).ToList();
        if (gemm.Count > 0)
        {
            int left = 80, plotWidth = 820;
            var sizes = gemm.Select(r => SquareSize(r.Kernel)).Distinct().OrderBy(s => s).ToList();
            double yMax = Math.Max(Math.Max(machine.FmaPeak512, machine.FmaPeak256), gemm.Max(r => r.Gflops)) * 1.1;
            double sx0 = Math.Log2(sizes[0]), sx1 = Math.Log2(sizes[^1]);
            double PX(int s) => left + (sizes.Count == 1 ? plotWidth / 2.0 : (Math.Log2(s) - sx0) / (sx1 - sx0) * plotWidth);
            double PY(double g) => linesTop + linesHeight - g / yMax * linesHeight;
            svg.AppendLine(Inv, $"<line x1=\"{left}\" y1=\"{linesTop + linesHeight}\" x2=\"{left + plotWidth}\" y2=\"{linesTop + linesHeight}\" stroke=\"#333\"/>");
            svg.AppendLine(Inv, $"<line x1=\"{left}\" y1=\"{linesTop}\" x2=\"{left}\" y2=\"{linesTop + linesHeight}\" stroke=\"#333\"/>");
            for (int i = 0; i <= 5; i++)
            {
                double g = yMax * i / 5;
                svg.AppendLine(Inv, $"<line x1=\"{left}\" y1=\"{PY(g):F1}\" x2=\"{left + plotWidth}\" y2=\"{PY(g):F1}\" stroke=\"#eee\"/>");
                Text(svg, left - 8, PY(g) + 4, $"{g:F0}", 10, anchor: "end");
            }
            Text(svg, 20, linesTop + linesHeight / 2.0, "GFLOPS", 11);
            foreach (int s in sizes) Text(svg, PX(s) - 12, linesTop + linesHeight + 16, $"{s}³", 10);
            foreach (var (peak, label, color) in new[] { (machine.FmaPeak256, "256-bit FMA peak", ColorOf("Avx2")), (machine.FmaPeak512, "512-bit FMA peak", ColorOf("Avx512")) })
            {
                if (peak <= 0) continue;
                svg.AppendLine(Inv, $"<line x1=\"{left}\" y1=\"{PY(peak):F1}\" x2=\"{left + plotWidth}\" y2=\"{PY(peak):F1}\" stroke=\"{color}\" stroke-dasharray=\"6 4\"/>");
                Text(svg, left + plotWidth - 4, PY(peak) - 4, $"{label} {peak:F0}", 10, anchor: "end");
            }
            foreach (var series in gemm.GroupBy(r => r.Implementation))
            {
                var pts = series.OrderBy(r => SquareSize(r.Kernel)).Select(r => (X: PX(SquareSize(r.Kernel)), Y: PY(r.Gflops), r.Gflops)).ToList();
                svg.AppendLine(Inv, $"<polyline fill=\"none\" stroke=\"{ColorOf(series.Key)}\" stroke-width=\"2\" points=\"{string.Join(' ', pts.Select(p => string.Create(Inv, $"{p.X:F1},{p.Y:F1}")))}\"/>");
                foreach (var p in pts)
                    svg.AppendLine(Inv, $"<circle cx=\"{p.X:F1}\" cy=\"{p.Y:F1}\" r=\"3\" fill=\"{ColorOf(series.Key)}\"><title>{Esc(series.Key)}: {p.Gflops:F1} GFLOPS</title></circle>");
                var last = pts[^1];
                Text(svg, last.X + 6, last.Y + 4, series.Key, 10);
            }
        }
        svg.AppendLine("</svg>");
        File.WriteAllText(path, svg.ToString());
    }

    /// <summary>n for kernels named "gemm n×n×n", else 0.</summary>
    private static int SquareSize(string kernel)
    {
        string[] parts = kernel.Replace("gemm ", "", StringComparison.Ordinal).Split('×');
        return parts.Length == 3 && parts[0] == parts[1] && parts[1] == parts[2] && int.TryParse(parts[0], Inv, out int s) ? s : 0;
    }

    private static void Text(StringBuilder svg, double x, double y, string text, int size, string weight = "normal", string anchor = "start") =>
        svg.AppendLine(Inv, $"<text x=\"{x:F1}\" y=\"{y:F1}\" font-size=\"{size}\" font-weight=\"{weight}\" text-anchor=\"{anchor}\">{Esc(text)}</text>");

    private static string Esc(string s) => WebUtility.HtmlEncode(s);
}
