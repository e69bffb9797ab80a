using CsCheck;

namespace SimdSoftmax.Tests.Properties;

public sealed record StridedCase(RowsCase Rows, int PadX, int PadY, int Threads)
{
    public override string ToString() => $"padX={PadX} padY={PadY} threads={Threads} {Rows}";
}

public sealed record StridedCrossEntropyCase(CrossEntropyCase Ce, int PadS, int PadG, int Threads)
{
    public override string ToString() => $"padS={PadS} padG={PadG} threads={Threads} {Ce}";
}

/// <summary>
/// The row-strided, threaded overloads (Softmax.Rows / LogRows and SoftmaxCrossEntropy.Loss / LossAndGradient with
/// ld and threads) under the same bounds as their contiguous siblings (<see cref="SoftmaxProperties"/>,
/// <see cref="CrossEntropyProperties"/>): the matrices are laid out with padding between rows filled with canaries
/// (checked untouched), on a random thread count, and the result must be bitwise the one of threads = 1.
/// </summary>
public class StridedProperties
{
    private const string Type = "SimdSoftmax.Tests.Properties.StridedProperties";

    public static Gen<StridedCase> Cases() =>
        from rows in SoftmaxProperties.Cases(largeCols: 1200)
        from padX in Gens.Pad
        from padY in Gens.Pad
        from threads in Gens.Threads
        select new StridedCase(rows, padX, padY, threads);

    public static Gen<StridedCrossEntropyCase> CrossEntropyCases() =>
        from ce in CrossEntropyProperties.Cases()
        from padS in Gens.Pad
        from padG in Gens.Pad
        from threads in Gens.Threads
        select new StridedCrossEntropyCase(ce, padS, padG, threads);

    [SkippableTheory]
    [MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Rows(KernelPath path)
    {
        Paths.Require(path);
        PropertyRunner.Run($"{Type}.{nameof(Rows)}", path.ToString(), Cases(), c => SoftmaxProperties.Check(c.Rows, Strided(c, path, log: false), log: false));
    }

    [SkippableTheory]
    [MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void LogRows(KernelPath path)
    {
        Paths.Require(path);
        PropertyRunner.Run($"{Type}.{nameof(LogRows)}", path.ToString(), Cases(), c => SoftmaxProperties.Check(c.Rows, Strided(c, path, log: true), log: true));
    }

    [SkippableTheory]
    [MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void LossAndGradient(KernelPath path)
    {
        Paths.Require(path);
        PropertyRunner.Run($"{Type}.{nameof(LossAndGradient)}", path.ToString(), CrossEntropyCases(), c => CheckCrossEntropy(c, path));
    }

    /// <summary>Lays a dense matrix out with a row stride of cols + pad, the padding (and the floats around it) canaries.</summary>
    private static float[] Padded(ReadOnlySpan<float> dense, int rows, int cols, int ld)
    {
        float[] buffer = Canary.Buffer(Math.Max(0, (rows - 1) * ld + cols));
        for (int r = 0; r < rows; r++) dense.Slice(r * cols, cols).CopyTo(buffer.AsSpan(Canary.Guard + r * ld));
        return buffer;
    }

    private static void CheckPadding(float[] buffer, int rows, int cols, int ld, string what)
    {
        int extent = Math.Max(0, (rows - 1) * ld + cols);
        Canary.CheckGuards(buffer, extent, what);
        for (int i = 0; i < extent; i++)
            if (i % ld >= cols && !Canary.Is(buffer[Canary.Guard + i]))
                throw new InvalidOperationException($"{what}: padding float {i} (row {i / ld}, column {i % ld}) was written.");
    }

    /// <summary>
    /// The strided entry as a contiguous <see cref="RowKernel"/>: scatter into padded buffers, run with the case's thread
    /// count (and with 1: the same bits), check the padding, gather back. In place when x and y are the same span.
    /// </summary>
    private static RowKernel Strided(StridedCase c, KernelPath path, bool log) => (x, y, cols) =>
    {
        int rows = c.Rows.Rows, ldx = cols + c.PadX;
        bool inPlace = x.Overlaps(y);
        int ldy = inPlace ? ldx : cols + c.PadY;
        float[] results = null!;
        foreach (int threads in new[] { c.Threads, 1 })
        {
            float[] xb = Padded(x, rows, cols, ldx);
            float[] yb = inPlace ? xb : Canary.Buffer(Math.Max(0, (rows - 1) * ldy + cols));
            Span<float> ys = yb.AsSpan(Canary.Guard, yb.Length - 2 * Canary.Guard);
            ReadOnlySpan<float> xs = inPlace ? ys : xb.AsSpan(Canary.Guard, xb.Length - 2 * Canary.Guard);
            if (log) Softmax.LogRows(xs, ldx, ys, ldy, rows, cols, path, threads);
            else Softmax.Rows(xs, ldx, ys, ldy, rows, cols, path, threads);
            CheckPadding(yb, rows, cols, ldy, $"y (ld {ldy}, threads {threads})");
            if (results is null) results = yb;
            else Canary.BitwiseEqual(results, yb, $"threads={c.Threads} vs threads=1");
        }
        for (int r = 0; r < rows; r++) results.AsSpan(Canary.Guard + r * ldy, cols).CopyTo(y.Slice(r * cols));
    };

    private static void CheckCrossEntropy(StridedCrossEntropyCase sc, KernelPath path)
    {
        CrossEntropyCase c = sc.Ce;
        float[] s = (float[])c.Logits.Clone();
        Gens.ApplyRowPatterns(s, c.Classes, c.Patterns);
        var (loss, lossBound, grad, gradBound) = CrossEntropyProperties.Reference(s, c.Labels, c.Classes);
        int rows = c.Rows, cols = c.Classes, ld = cols + sc.PadS, ldg = c.InPlace ? ld : cols + sc.PadG;
        float[]? first = null;
        float firstLoss = 0;
        foreach (int threads in new[] { sc.Threads, 1 })
        {
            float[] sb = Padded(s, rows, cols, ld);
            float[] gb = c.InPlace ? sb : Canary.Buffer(Math.Max(0, (rows - 1) * ldg + cols));
            Span<float> gs = gb.AsSpan(Canary.Guard, gb.Length - 2 * Canary.Guard);
            ReadOnlySpan<float> ss = c.InPlace ? gs : sb.AsSpan(Canary.Guard, sb.Length - 2 * Canary.Guard);
            float lossOnly = SoftmaxCrossEntropy.Loss(ss, ld, c.Labels, rows, cols, path, threads);
            float l = SoftmaxCrossEntropy.LossAndGradient(ss, ld, c.Labels, gs, ldg, rows, cols, path, threads);
            Canary.BitwiseEqual([l], [lossOnly], "Loss vs LossAndGradient's loss");
            CheckPadding(gb, rows, cols, ldg, $"dLogits (ld {ldg}, threads {threads})");
            if (first is null)
            {
                first = gb;
                firstLoss = l;
                Expect.Near($"loss on {path}", 0, l, loss, lossBound);
                for (int r = 0; r < rows; r++)
                    for (int j = 0; j < cols; j++)
                        Expect.Near($"dLogits on {path}", r * cols + j, gb[Canary.Guard + r * ldg + j], grad[r * cols + j], gradBound[r * cols + j]);
            }
            else
            {
                Canary.BitwiseEqual([firstLoss], [l], $"loss threads={sc.Threads} vs threads=1");
                Canary.BitwiseEqual(first, gb, $"dLogits threads={sc.Threads} vs threads=1");
            }
        }
    }
}
