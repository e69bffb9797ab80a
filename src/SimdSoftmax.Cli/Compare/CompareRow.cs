namespace SimdSoftmax.Cli.Compare;

/// <summary>One line of the compare table: a kernel shape on one path or anchor.</summary>
internal sealed record CompareRow(
    string Family,
    string Kernel,
    string Implementation,
    bool IsAnchor,
    double MedianSeconds,
    double SpreadPercent,
    double Gflops,
    double GElementsPerSecond,
    double GBytesPerSecond,
    double SpeedupVsScalar,
    double PercentOfLimit,
    string LimitLabel,
    double MaxRelativeError,
    bool Verified);

/// <summary>The machine's measured limits, printed in the header and used for the "% of limit" column.</summary>
internal sealed record MachineHeader(
    string Cpu,
    string Runtime,
    string Isa,
    IReadOnlyList<KernelPath> Paths,
    double FmaPeak256,
    double FmaPeak512,
    double ReadBandwidth,
    double CopyBandwidth,
    string? OpenBlas,
    string Date,
    int Threads = 1,
    double CopyNonTemporal = 0,
    string Commit = "",
    string? OneDnn = null)
{
    /// <summary>The copy limit: the faster of <see cref="Span{T}.CopyTo"/> and a copy with non-temporal stores.</summary>
    public double CopyLimit => Math.Max(CopyBandwidth, CopyNonTemporal);

    /// <summary>"1 thread" or "N threads": what the limits were measured with.</summary>
    public string ThreadsLabel => Threads == 1 ? "1 thread" : $"{Threads} threads";

    /// <summary>Both copy figures, e.g. "copy 12.9 GB/s (Span.CopyTo) / 15.2 GB/s (non-temporal stores)".</summary>
    public string CopyText => CopyNonTemporal > 0
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"copy {CopyBandwidth:F1} GB/s (Span.CopyTo) / {CopyNonTemporal:F1} GB/s (non-temporal stores)")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"copy {CopyBandwidth:F1} GB/s");

    /// <summary>FMA peak for code of a vector width (scalar code: a 256-bit peak over 8 lanes).</summary>
    public double PeakFor(int vectorBits) => vectorBits switch
    {
        512 => FmaPeak512,
        256 => FmaPeak256,
        _ => FmaPeak256 / 8,
    };
}
