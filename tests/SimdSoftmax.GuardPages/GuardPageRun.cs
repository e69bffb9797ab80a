using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text;

namespace SimdSoftmax.GuardPages;

/// <summary>
/// State of one guard-page run (one kernel family on one path): case counter, failures, skips, the worst error seen,
/// and the breadcrumb — the current case written to a shared file mapping, which survives this process dying.
/// </summary>
internal sealed class FamilySkippedException(string reason) : Exception(reason);

internal sealed class GuardPageRun : IDisposable
{
    private const int MaxReportedFailures = 25;
    private readonly MemoryMappedFile? _crumbFile;
    private readonly MemoryMappedViewAccessor? _crumb;
    private readonly byte[] _crumbBytes = new byte[1024];
    private ulong _rng = 0x9E3779B97F4A7C15ul;

    public KernelPath Path { get; }
    public string Name { get; }
    public string Current { get; private set; } = "";
    public long Cases { get; private set; }
    public long Failures { get; private set; }
    public long Skipped { get; private set; }
    public string? SkipReason { get; private set; }
    public double MaxError { get; private set; }
    public string MaxErrorCase { get; private set; } = "";

    public GuardPageRun(string name, KernelPath path, string? breadcrumbPath)
    {
        Name = name;
        Path = path;
        if (breadcrumbPath is not null)
        {
            _crumbFile = MemoryMappedFile.CreateFromFile(breadcrumbPath, FileMode.OpenOrCreate, null, _crumbBytes.Length + 4);
            _crumb = _crumbFile.CreateViewAccessor();
        }
    }

    /// <summary>Starts a case: counted, and named in the breadcrumb before the kernel runs.</summary>
    public void Begin(string description)
    {
        Current = description;
        Cases++;
        if (_crumb is null) return;
        int n = Encoding.UTF8.GetBytes(description.AsSpan(0, Math.Min(description.Length, 250)), _crumbBytes);
        _crumb.Write(0, 0);
        _crumb.WriteArray(4, _crumbBytes, 0, n);
        _crumb.Write(0, n);
    }

    /// <summary>Runs the kernel; a "no kernel yet" PlatformNotSupportedException marks the case skipped.</summary>
    public bool Run(Action call)
    {
        try
        {
            call();
            return true;
        }
        catch (PlatformNotSupportedException e)
        {
            Skipped++;
            SkipReason ??= e.Message;
            // The family has no kernel on this path at all: stop instead of computing references for nothing.
            if (Skipped == Cases) throw new FamilySkippedException(e.Message);
            return false;
        }
    }

    public void Fail(string detail)
    {
        Failures++;
        if (Failures <= MaxReportedFailures) Console.WriteLine($"FAIL {Name} {Path} [{Current}]: {detail}");
    }

    /// <summary>Records the error of a SIMD result relative to its tolerance (1 = exactly at the tolerance).</summary>
    public void NoteError(double errorOverTolerance)
    {
        if (errorOverTolerance > MaxError) { MaxError = errorOverTolerance; MaxErrorCase = Current; }
    }

    // ---- deterministic data ----

    public float Next(float lo, float hi)
    {
        _rng ^= _rng << 13; _rng ^= _rng >> 7; _rng ^= _rng << 17;
        return lo + (float)((_rng >> 40) * (1.0 / (1ul << 24))) * (hi - lo);
    }

    public int NextInt(int bound)
    {
        _rng ^= _rng << 13; _rng ^= _rng >> 7; _rng ^= _rng << 17;
        return (int)((_rng >> 33) % (ulong)bound);
    }

    public void FillRandom(Span<float> span, float lo, float hi)
    {
        for (int i = 0; i < span.Length; i++) span[i] = Next(lo, hi);
    }

    /// <summary>
    /// In some cases, puts special values into the rows (−∞ entries, a whole −∞ row, a NaN or +∞): the SIMD paths must
    /// give the scalar path's result and must not leak a special value into the other rows of a multi-row tile.
    /// </summary>
    public string InjectSpecials(Span<float> data, int rows, int cols)
    {
        if (rows == 0 || cols == 0) return "";
        switch (Cases % 11)
        {
            case 3:
                for (int i = 0; i <= rows / 2; i++) data[NextInt(data.Length)] = float.NegativeInfinity;
                return " with -inf entries";
            case 6:
                data.Slice(NextInt(rows) * cols, cols).Fill(float.NegativeInfinity);
                return " with an all -inf row";
            case 9:
                data[NextInt(data.Length)] = Cases % 2 == 0 ? float.NaN : float.PositiveInfinity;
                return " with a NaN/+inf";
            default:
                return "";
        }
    }

    // ---- checks ----

    /// <summary>Every element of <paramref name="region"/> outside [start, start+length) still holds the canary.</summary>
    public void CheckOutside(GuardedRegion region, int start, int length, string what)
    {
        ReadOnlySpan<uint> all = MemoryMarshal.Cast<float, uint>(region.All);
        int before = all[..start].IndexOfAnyExcept(Canary.Bits);
        if (before >= 0) Fail($"{what}: element {before - start} (before the span) was written: {BitConverter.UInt32BitsToSingle(all[before])}");
        int after = all[(start + length)..].IndexOfAnyExcept(Canary.Bits);
        if (after >= 0) Fail($"{what}: element {length + after} (past the end of the span) was written");
    }

    /// <summary>The gaps of a strided rows×cols view (columns cols..ld−1 of every row but the last) still hold the canary.</summary>
    public void CheckGaps(ReadOnlySpan<float> span, int rows, int cols, int ld, string what)
    {
        if (rows == 0 || cols == 0) return;
        ReadOnlySpan<uint> bits = MemoryMarshal.Cast<float, uint>(span);
        for (int i = 0; i + 1 < rows; i++)
        {
            int g = bits.Slice(i * ld + cols, ld - cols).IndexOfAnyExcept(Canary.Bits);
            if (g >= 0) { Fail($"{what}: padding [{i},{cols + g}] between rows was written"); return; }
        }
    }

    /// <summary>
    /// Compares a result with the scalar reference: bit for bit on the scalar path (the same code on other addresses
    /// must give the same bits), within |got − ref| ≤ tol(i) on SIMD paths. NaN must meet NaN, ±∞ must be equal.
    /// </summary>
    public void Compare(ReadOnlySpan<float> reference, ReadOnlySpan<float> got, Func<int, double> tolerance, string what)
    {
        for (int i = 0; i < reference.Length; i++)
        {
            float r = reference[i], g = got[i];
            if (Path == KernelPath.Scalar)
            {
                if (BitConverter.SingleToUInt32Bits(r) != BitConverter.SingleToUInt32Bits(g) && !(float.IsNaN(r) && float.IsNaN(g)))
                { Fail($"{what}[{i}] = {g:R}, the scalar reference on heap memory gave {r:R} (scalar must be bitwise stable)"); return; }
                continue;
            }
            if (float.IsNaN(r) || float.IsNaN(g) || float.IsInfinity(r) || float.IsInfinity(g))
            {
                if (!(float.IsNaN(r) && float.IsNaN(g)) && r != g) { Fail($"{what}[{i}] = {g:R}, scalar gave {r:R}"); return; }
                continue;
            }
            double tol = tolerance(i), err = Math.Abs((double)g - r);
            NoteError(err / tol);
            if (err > tol) { Fail($"{what}[{i}] = {g:R}, scalar gave {r:R} (|diff| {err:E3} > tol {tol:E3})"); return; }
        }
    }

    public void CompareScalar(float reference, float got, double tolerance, string what) =>
        Compare([reference], [got], _ => tolerance, what);

    public void Dispose()
    {
        _crumb?.Dispose();
        _crumbFile?.Dispose();
    }

    public string Summary() =>
        $"RESULT family={Name} path={Path} cases={Cases} failures={Failures} skipped={Skipped} maxErrOverTol={MaxError:F3}"
        + (MaxError > 0 ? $" worst=[{MaxErrorCase}]" : "");
}
