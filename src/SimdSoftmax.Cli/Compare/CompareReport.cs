using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SimdSoftmax.Cli.Compare;

/// <summary>Collects the compare rows, prints them as they come, and writes the JSON and Markdown forms.</summary>
/// <param name="machine">The limits on one thread: of the scalar reference and of kernels that run on the calling thread.</param>
/// <param name="threaded">With <c>--threads</c> N &gt; 1, the limits measured on N threads, for the kernels that use them.</param>
internal sealed class CompareReport(MachineHeader machine, TextWriter console, MachineHeader? threaded = null)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly List<CompareRow> _rows = [];
    private string? _lastKernel;

    public IReadOnlyList<CompareRow> Rows => _rows;
    public int Failures { get; private set; }

    public void WriteHeader()
    {
        console.WriteLine($"SimdSoftmax compare — {machine.Cpu}; {machine.Runtime}; {machine.Date}");
        console.WriteLine($"ISA: {machine.Isa}; paths: {string.Join(", ", machine.Paths)}");
        if (InfoCommand.AheadOfTimeIsaNote() is string note) console.WriteLine($"Note: {note}");
        foreach (MachineHeader m in threaded is null ? [machine] : new[] { machine, threaded })
            console.WriteLine(string.Create(Inv,
                $"Measured limits ({m.ThreadsLabel}): FMA peak {m.FmaPeak256:F0} GFLOPS (256-bit), {m.FmaPeak512:F0} GFLOPS (512-bit); read {m.ReadBandwidth:F1} GB/s, {m.CopyText}"));
        if (threaded is not null)
            console.WriteLine($"The {threaded.ThreadsLabel} limits apply to the kernels that use the threads (GEMM, classifier); softmax, cross-entropy and the scalar reference run on one.");
        console.WriteLine($"OpenBLAS: {machine.OpenBlas ?? "not found (apt-get install libopenblas0-pthread to add the native anchor)"}");
        console.WriteLine($"oneDNN: {machine.OneDnn ?? "not found (apt-get install libdnnl2 to add the dnnl_sgemm anchor)"}");
        console.WriteLine();
    }

    public void WriteColumns()
    {
        console.WriteLine($"{"kernel",-40} {"path / anchor",-24} {"median",10} {"IQR",7} {"rate",15} {"vs scalar",9} {"% limit",14} {"max rel err",11}");
        console.WriteLine(new string('─', 136));
    }

    public void Note(KernelCase c, string implementation, string note)
    {
        Separate(c);
        console.WriteLine($"{c.Name,-40} {implementation,-24} {"(" + note + ")"}");
    }

    public void Add(KernelCase c, string implementation, bool isAnchor, Timing t, double scalarSeconds, double err, bool verified, int vectorBits)
    {
        MachineHeader limits = threaded is not null && c.UsesThreads && implementation != "Scalar" ? threaded : machine;
        double s = t.MedianSeconds;
        double gflops = c.Flops > 0 ? c.Flops / s / 1e9 : double.NaN;
        double gelems = c.Elements > 0 ? c.Elements / s / 1e9 : double.NaN;
        double gbytes = c.Bytes / s / 1e9;
        double pct = double.NaN;
        string limitLabel = "";
        switch (c.Limit)
        {
            case LimitKind.FmaPeak:
                pct = 100 * gflops / limits.PeakFor(vectorBits);
                limitLabel = vectorBits == 32 ? "scalar FMA peak" : $"{vectorBits}-bit FMA peak";
                break;
            case LimitKind.CopyBandwidth:
                pct = 100 * gbytes / limits.CopyLimit;
                limitLabel = "copy bandwidth";
                break;
            case LimitKind.Roofline:
                double bound = Math.Max(c.Bytes / (limits.ReadBandwidth * 1e9), c.Flops / (limits.PeakFor(vectorBits) * 1e9));
                pct = 100 * bound / s;
                limitLabel = "roofline";
                break;
        }
        if (!double.IsFinite(pct)) pct = double.NaN;
        var row = new CompareRow(c.Family, c.Name, implementation, isAnchor, s, t.SpreadPercent, gflops, gelems, gbytes,
            scalarSeconds / s, pct, limitLabel, err, verified);
        _rows.Add(row);
        if (!verified && !isAnchor) Failures++;
        Separate(c);
        console.WriteLine(Format(row));
    }

    public void WriteFooter()
    {
        console.WriteLine();
        console.WriteLine("rate: GFLOPS (2·m·n·k for GEMM, 4·N·D·C for the classifier) or G elements/s; % limit: of the measured FMA peak of the path's");
        console.WriteLine("vector width (GEMM), of copy bandwidth at 8 bytes per element (softmax, cross-entropy), or of the roofline");
        console.WriteLine("max(read X once, flops at peak) (classifier). max rel err: normwise, against the scalar reference.");
        console.WriteLine("median: of at least 5 samples of ≥ 1 ms each, in the calling thread's CPU time for single-threaded runs (wall time with");
        console.WriteLine("--threads other than 1); IQR: the interquartile range of the samples as a percentage of the median. The limits are");
        console.WriteLine("measured with as many threads as the kernels run on. Copy: the faster of Span.CopyTo and a copy with non-temporal");
        console.WriteLine("stores, which write lines to memory without reading them into the cache first (softmax writes large outputs so).");
        int anchorsOff = _rows.Count(r => r.IsAnchor && !r.Verified);
        if (anchorsOff > 0)
            console.WriteLine($"{anchorsOff} anchor result(s) disagree with the reference (shown as 'differs'); they are outside code and do not fail the run.");
        console.WriteLine(Failures == 0 ? "All SimdSoftmax paths agree with the scalar reference." : $"{Failures} SimdSoftmax result(s) DISAGREE with the scalar reference.");
    }

    private void Separate(KernelCase c)
    {
        if (_lastKernel is not null && _lastKernel != c.Name) console.WriteLine();
        _lastKernel = c.Name;
    }

    private static string Format(CompareRow r)
    {
        string rate = double.IsNaN(r.MedianSeconds) ? "" :
            !double.IsNaN(r.Gflops) ? string.Create(Inv, $"{r.Gflops:F2} GFLOPS") : string.Create(Inv, $"{r.GElementsPerSecond:F3} Gelem/s");
        string time = double.IsNaN(r.MedianSeconds) ? "(untimed)" : FormatTime(r.MedianSeconds);
        string spread = double.IsNaN(r.SpreadPercent) ? "" : string.Create(Inv, $"{r.SpreadPercent:F0}%");
        string speed = double.IsFinite(r.SpeedupVsScalar) ? string.Create(Inv, $"{r.SpeedupVsScalar:F1}×") : "—";
        string pct = double.IsNaN(r.PercentOfLimit) ? "—" : string.Create(Inv, $"{r.PercentOfLimit:F0}% {Short(r.LimitLabel)}");
        string err = r.Implementation == "Scalar" ? "reference" : r.Verified ? string.Create(Inv, $"{r.MaxRelativeError:E1}")
            : r.IsAnchor ? (double.IsInfinity(r.MaxRelativeError) ? "differs (NaN)" : string.Create(Inv, $"differs {r.MaxRelativeError:E1}"))
            : string.Create(Inv, $"{r.MaxRelativeError:E1} MISMATCH");
        return $"{r.Kernel,-40} {r.Implementation,-24} {time,10} {spread,7} {rate,15} {speed,9} {pct,14} {err,11}";
    }

    private static string Short(string limit) => limit switch
    {
        "copy bandwidth" => "copy",
        "roofline" => "roof",
        "scalar FMA peak" => "peak",
        _ => "peak",
    };

    internal static string FormatTime(double s) =>
        s >= 1 ? string.Create(Inv, $"{s:F2} s") : s >= 1e-3 ? string.Create(Inv, $"{s * 1e3:F2} ms") : string.Create(Inv, $"{s * 1e6:F1} µs");

    public void WriteJson(string path)
    {
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("schema", "simdsoftmax-compare/1");
        w.WriteStartObject("machine");
        w.WriteString("cpu", machine.Cpu);
        w.WriteString("runtime", machine.Runtime);
        w.WriteString("isa", machine.Isa);
        w.WriteStartArray("paths");
        foreach (KernelPath p in machine.Paths) w.WriteStringValue(p.ToString());
        w.WriteEndArray();
        Number(w, "fmaPeakGflops256", machine.FmaPeak256);
        Number(w, "fmaPeakGflops512", machine.FmaPeak512);
        Number(w, "readBandwidthGBs", machine.ReadBandwidth);
        Number(w, "copyBandwidthGBs", machine.CopyBandwidth);
        Number(w, "copyNonTemporalGBs", machine.CopyNonTemporal);
        w.WriteNumber("threads", (threaded ?? machine).Threads);
        w.WriteString("commit", machine.Commit);
        if (machine.OpenBlas is null) w.WriteNull("openblas"); else w.WriteString("openblas", machine.OpenBlas);
        if (machine.OneDnn is null) w.WriteNull("onednn"); else w.WriteString("onednn", machine.OneDnn);
        w.WriteString("date", machine.Date);
        w.WriteEndObject();
        w.WriteStartArray("rows");
        foreach (CompareRow r in _rows)
        {
            w.WriteStartObject();
            w.WriteString("family", r.Family);
            w.WriteString("kernel", r.Kernel);
            w.WriteString("implementation", r.Implementation);
            w.WriteBoolean("anchor", r.IsAnchor);
            Number(w, "medianSeconds", r.MedianSeconds);
            Number(w, "spreadPercent", r.SpreadPercent);
            Number(w, "gflops", r.Gflops);
            Number(w, "gElementsPerSecond", r.GElementsPerSecond);
            Number(w, "gBytesPerSecond", r.GBytesPerSecond);
            Number(w, "speedupVsScalar", r.SpeedupVsScalar);
            Number(w, "percentOfLimit", r.PercentOfLimit);
            w.WriteString("limit", r.LimitLabel);
            Number(w, "maxRelativeError", r.MaxRelativeError);
            w.WriteBoolean("verified", r.Verified);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("failures", Failures);
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value); else w.WriteNull(name);
    }

    public void WriteMarkdown(string path)
    {
        var sb = new StringBuilder();
        sb.AppendLine(Inv, $"Measured on {machine.Cpu}, {machine.Runtime}, {machine.Date}, {(threaded ?? machine).ThreadsLabel}, built from {(machine.Commit.Length > 0 ? "commit " + machine.Commit : "an unknown commit")}; ISA {machine.Isa}.");
        foreach (MachineHeader m in threaded is null ? [machine] : new[] { machine, threaded })
            sb.AppendLine(Inv, $"Limits ({m.ThreadsLabel}): FMA peak {m.FmaPeak256:F0} GFLOPS (256-bit) / {m.FmaPeak512:F0} GFLOPS (512-bit); read {m.ReadBandwidth:F1} GB/s; {m.CopyText}.");
        sb.AppendLine(Inv, $"OpenBLAS: {machine.OpenBlas ?? "absent"}; oneDNN: {machine.OneDnn ?? "absent"}.");
        sb.AppendLine();
        sb.AppendLine("| kernel | path / anchor | median | IQR | rate | vs scalar | % of limit | max rel err |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (CompareRow r in _rows)
        {
            string rate = double.IsNaN(r.MedianSeconds) ? "" : !double.IsNaN(r.Gflops) ? string.Create(Inv, $"{r.Gflops:F2} GFLOPS") : string.Create(Inv, $"{r.GElementsPerSecond:F3} Gelem/s");
            string err = r.Implementation == "Scalar" ? "reference" : r.Verified ? string.Create(Inv, $"{r.MaxRelativeError:E1}") : r.IsAnchor ? (double.IsInfinity(r.MaxRelativeError) ? "differs (NaN)" : string.Create(Inv, $"differs {r.MaxRelativeError:E1}")) : "**MISMATCH**";
            sb.AppendLine(Inv, $"| {r.Kernel} | {(r.IsAnchor ? r.Implementation : "**" + r.Implementation + "**")} | {(double.IsNaN(r.MedianSeconds) ? "untimed" : FormatTime(r.MedianSeconds))} | {(double.IsNaN(r.SpreadPercent) ? "" : string.Create(Inv, $"{r.SpreadPercent:F0}%"))} | {rate} | {(double.IsFinite(r.SpeedupVsScalar) ? string.Create(Inv, $"{r.SpeedupVsScalar:F1}×") : "—")} | {(double.IsNaN(r.PercentOfLimit) ? "—" : string.Create(Inv, $"{r.PercentOfLimit:F0}% {r.LimitLabel}"))} | {err} |");
        }
        File.WriteAllText(path, sb.ToString());
    }
}
