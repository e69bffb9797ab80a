using System.Runtime.Intrinsics;

namespace SimdSoftmax.Tests;

/// <summary>
/// One softmax row kernel as the tester sees it: softmax (or log-softmax) of <c>rows</c> rows of <c>cols</c> floats,
/// x → y (y may be x), for cols ≤ MaxCols and rows ≥ MinRows.
/// </summary>
public sealed unsafe class SoftmaxRowKernel(string name, KernelPath isa, int maxCols, int group,
    delegate*<float*, float*, int, int, bool, void> run, int minRows = 1)
{
    public string Name { get; } = name;
    public KernelPath Isa { get; } = isa;
    public int MaxCols { get; } = maxCols;
    public int Group { get; } = group;
    public int MinRows { get; } = minRows;
    public void Run(float* x, float* y, int rows, int cols, bool log) => run(x, y, rows, cols, log);
    public override string ToString() => Name;
}

/// <summary>One cross-entropy row kernel: Σ row losses of <c>rows</c> rows of <c>c</c> logits (stride c), gradient·scale into g when not null.</summary>
public sealed unsafe class CrossEntropyRowKernel(string name, KernelPath isa, int maxClasses, int group,
    delegate*<float*, int*, int, int, int, float*, int, float, double> run, int rowMultiple = 1)
{
    public string Name { get; } = name;
    public KernelPath Isa { get; } = isa;
    public int MaxClasses { get; } = maxClasses;
    public int Group { get; } = group;
    public int RowMultiple { get; } = rowMultiple;
    public double Run(float* s, int* labels, int rows, int c, float* g, float scale) => run(s, labels, rows, c, c, g, c, scale);
    public override string ToString() => Name;
}

/// <summary>
/// One multiclass-SVM hinge row kernel: Σ of the row hinges <c>Σ_{j≠y} max(0, s_j − s_y + 1)</c> (unscaled) of
/// <c>rows</c> rows of <c>c</c> scores (stride c), the subgradient·scale into g when not null (g may be s).
/// </summary>
public sealed unsafe class HingeRowKernel(string name, KernelPath isa, int group,
    delegate*<float*, int*, int, int, int, float*, int, float, double> run)
{
    public string Name { get; } = name;
    public KernelPath Isa { get; } = isa;
    public int Group { get; } = group;
    public double Run(float* s, int* labels, int rows, int c, float* g, float scale) => run(s, labels, rows, c, c, g, c, scale);
    public override string ToString() => Name;
}

/// <summary>
/// Every row kernel of the softmax, cross-entropy and hinge families, listed once: the tester
/// (<see cref="RowKernelTests"/>) runs each one directly at its edges. A new kernel is one line here.
/// </summary>
public static unsafe class RowKernelRegistry
{
    public static readonly SoftmaxRowKernel[] Softmax =
    [
        new("SoftmaxShortRowTileAvx2", KernelPath.Avx2, SoftmaxShortRowTileAvx2.MaxCols, SoftmaxShortRowTileAvx2.Group, &SoftmaxShortRowTileAvx2.Rows),
        new("SoftmaxShortRowTileAvx512", KernelPath.Avx512, SoftmaxShortRowTileAvx512.MaxCols, SoftmaxShortRowTileAvx512.Group, &SoftmaxShortRowTileAvx512.Rows),
        new("SoftmaxShortRowRegistersAvx2 + tile", KernelPath.Avx2, SoftmaxShortRowRegistersAvx2.MaxCols, SoftmaxShortRowRegistersAvx2.Group, &RegistersAvx2),
        new("SoftmaxShortRowRegistersAvx512", KernelPath.Avx512, SoftmaxShortRowRegistersAvx512.MaxCols, SoftmaxShortRowRegistersAvx512.Group, &SoftmaxShortRowRegistersAvx512.Rows),
        new("SoftmaxRowPipeline<Avx2>", KernelPath.Avx2, SoftmaxRowPipeline.MaxCols, 1, &PipelineAvx2, minRows: 2),
        new("SoftmaxRowPipeline<Avx512>", KernelPath.Avx512, SoftmaxRowPipeline.MaxCols, 1, &PipelineAvx512, minRows: 2),
        new("SoftmaxLongRowKernels<Avx2> per row", KernelPath.Avx2, int.MaxValue, 1, &PerRowAvx2),
        new("SoftmaxLongRowKernels<Avx512> per row", KernelPath.Avx512, int.MaxValue, 1, &PerRowAvx512),
        new("SoftmaxLongRowKernels<Avx2> per row, streaming, next-row prefetch", KernelPath.Avx2, int.MaxValue, 1, &PerRowStreamingAvx2),
        new("SoftmaxLongRowKernels<Avx512> per row, streaming, next-row prefetch", KernelPath.Avx512, int.MaxValue, 1, &PerRowStreamingAvx512),
    ];

    public static readonly CrossEntropyRowKernel[] CrossEntropy =
    [
        new("CrossEntropyShortRowTileAvx2", KernelPath.Avx2, CrossEntropyShortRowTileAvx2.MaxClasses, CrossEntropyShortRowTileAvx2.Group, &TileAvx2, rowMultiple: CrossEntropyShortRowTileAvx2.Group),
        new("Avx2Isa.CrossEntropyShortRows (registers for 9..16, else tile)", KernelPath.Avx2, CrossEntropyShortRowTileAvx2.MaxClasses, CrossEntropyShortRowTileAvx2.Group, &ShortRowsAvx2,
            rowMultiple: CrossEntropyShortRowTileAvx2.Group),
        new("CrossEntropyShortRowRegistersAvx512", KernelPath.Avx512, CrossEntropyShortRowRegistersAvx512.MaxClasses, CrossEntropyShortRowRegistersAvx512.Group, &RegistersAvx512),
        new("CrossEntropyLongRow<Avx2>", KernelPath.Avx2, int.MaxValue, 1, &LongRowAvx2),
        new("CrossEntropyLongRow<Avx512>", KernelPath.Avx512, int.MaxValue, 1, &LongRowAvx512),
        new("CrossEntropyLongRow<Avx2>.Rows pipeline", KernelPath.Avx2, int.MaxValue, 1, &LongRowsAvx2),
        new("CrossEntropyLongRow<Avx512>.Rows pipeline", KernelPath.Avx512, int.MaxValue, 1, &LongRowsAvx512),
        new("CrossEntropyOptionsRow<Avx2> with lse+argmax", KernelPath.Avx2, int.MaxValue, 1, &OptionsRowAvx2),
        new("CrossEntropyOptionsRow<Avx512> with lse+argmax", KernelPath.Avx512, int.MaxValue, 1, &OptionsRowAvx512),
        new("CrossEntropyOptionsLongRow<Avx2> with lse+argmax", KernelPath.Avx2, int.MaxValue, 1, &OptionsLongRowAvx2),
        new("CrossEntropyOptionsLongRow<Avx512> with lse+argmax", KernelPath.Avx512, int.MaxValue, 1, &OptionsLongRowAvx512),
        new("CrossEntropyShortRowRegistersAvx512 options with losses+lse+argmax", KernelPath.Avx512, CrossEntropyShortRowRegistersAvx512.MaxClasses,
            CrossEntropyShortRowRegistersAvx512.Group, &RegisterOptionsAvx512),
    ];

    /// <summary>Group 64: both kernels reduce their vector accumulator to double every 64 rows.</summary>
    public static readonly HingeRowKernel[] Hinge =
    [
        new("MulticlassSvm.Rows<Avx2Isa>", KernelPath.Avx2, 64, &MulticlassSvm.Rows<Avx2Isa>),
        new("MulticlassSvm.Rows<Avx512Isa>", KernelPath.Avx512, 64, &MulticlassSvm.Rows<Avx512Isa>),
    ];

    private static void PipelineAvx2(float* x, float* y, int rows, int cols, bool log) =>
        SoftmaxRowPipeline.Rows<SoftmaxLongRowKernels<Avx2Isa, Vector256<float>>>(x, y, rows, cols, log);

    private static void PipelineAvx512(float* x, float* y, int rows, int cols, bool log) =>
        SoftmaxRowPipeline.Rows<SoftmaxLongRowKernels<Avx512Isa, Vector512<float>>>(x, y, rows, cols, log);

    private static void PerRowAvx2(float* x, float* y, int rows, int cols, bool log)
    {
        for (int r = 0; r < rows; r++) SoftmaxRows<Avx2Isa, Vector256<float>>.Row(x + (nint)r * cols, y + (nint)r * cols, cols, log);
    }

    private static void PerRowAvx512(float* x, float* y, int rows, int cols, bool log)
    {
        for (int r = 0; r < rows; r++) SoftmaxRows<Avx512Isa, Vector512<float>>.Row(x + (nint)r * cols, y + (nint)r * cols, cols, log);
    }

    /// <summary>The AVX2 short-row entry: whole groups of rows of 9…16 in registers, the rest through the tile.</summary>
    private static void RegistersAvx2(float* x, float* y, int rows, int cols, bool log) => Avx2Isa.SoftmaxShortRows(x, y, rows, cols, log);

    private static void PerRowStreamingAvx2(float* x, float* y, int rows, int cols, bool log) =>
        PerRowStreaming<Avx2Isa, Vector256<float>>(x, y, rows, cols, log);

    private static void PerRowStreamingAvx512(float* x, float* y, int rows, int cols, bool log) =>
        PerRowStreaming<Avx512Isa, Vector512<float>>(x, y, rows, cols, log);

    /// <summary>The out-of-cache per-row path: non-temporal log-softmax stores and the next row prefetched during each exp pass.</summary>
    private static void PerRowStreaming<TIsa, V>(float* x, float* y, int rows, int cols, bool log) where TIsa : struct, ISoftmaxIsa, IVectorOps<V> where V : struct
    {
        for (int r = 0; r < rows; r++)
        {
            nint o = (nint)r * cols;
            SoftmaxRows<TIsa, V>.Row(x + o, y + o, cols, log, stream: true, next: r + 1 < rows ? x + o + cols : null);
        }
        System.Runtime.Intrinsics.X86.Sse.StoreFence();
    }

    private static double TileAvx2(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale) =>
        CrossEntropyShortRowTileAvx2.Run(s, labels, rows, c, ld, g, ldg, scale);

    /// <summary>The AVX2 short-row entry: whole groups of rows of 9…16 in registers, other lengths through the tile.</summary>
    private static double ShortRowsAvx2(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale)
    {
        double total = 0;
        int done = Avx2Isa.CrossEntropyShortRows(s, labels, rows, c, ld, g, ldg, scale, ref total);
        if (done != rows) throw new InvalidOperationException($"{done} of {rows} rows done");
        return total;
    }

    private static double RegistersAvx512(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale) =>
        CrossEntropyShortRowRegistersAvx512.Run(s, labels, rows, c, ld, g, ldg, scale);

    private static double LongRowAvx2(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale)
    {
        double total = 0;
        for (int r = 0; r < rows; r++)
            total += CrossEntropyLongRow<Avx2Isa, Vector256<float>>.Row(s + (nint)r * ld, labels[r], c, g == null ? null : g + (nint)r * ldg, scale);
        return total;
    }

    private static double LongRowAvx512(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale)
    {
        double total = 0;
        for (int r = 0; r < rows; r++)
            total += CrossEntropyLongRow<Avx512Isa, Vector512<float>>.Row(s + (nint)r * ld, labels[r], c, g == null ? null : g + (nint)r * ldg, scale);
        return total;
    }

    private static double LongRowsAvx2(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale) =>
        CrossEntropyLongRow<Avx2Isa, Vector256<float>>.Rows(s, labels, rows, c, ld, g, ldg, scale, 0);

    private static double LongRowsAvx512(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale) =>
        CrossEntropyLongRow<Avx512Isa, Vector512<float>>.Rows(s, labels, rows, c, ld, g, ldg, scale, 0);

    private static double OptionsRowAvx2(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale) =>
        OptionsRow<Avx2Isa, Vector256<float>>(s, labels, rows, c, g, scale);

    private static double OptionsRowAvx512(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale) =>
        OptionsRow<Avx512Isa, Vector512<float>>(s, labels, rows, c, g, scale);

    private static double OptionsLongRowAvx2(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale) =>
        OptionsLongRow<Avx2Isa, Vector256<float>>(s, labels, rows, c, g, scale);

    private static double OptionsLongRowAvx512(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale) =>
        OptionsLongRow<Avx512Isa, Vector512<float>>(s, labels, rows, c, g, scale);

    /// <summary>The long-row options kernel on every row (no short-row kernel first), no option on, its argmax checked here.</summary>
    private static double OptionsLongRow<T, V>(float* s, int* labels, int rows, int c, float* g, float scale)
        where T : struct, IVectorOps<V>, ICrossEntropyOptionsIsa<V> where V : struct
    {
        var lse = new float[rows];
        var argmax = new int[rows];
        var expected = new int[rows];
        for (int r = 0; r < rows; r++) expected[r] = OptionPlan.Argmax(new ReadOnlySpan<float>(s + (nint)r * c, c)); // before g = s overwrites
        double ce = 0, z = 0;
        fixed (float* pl = lse)
        fixed (int* pa = argmax)
            CrossEntropyOptionsLongRow<T, V>.Rows<FlagOff, FlagOff, FlagOn>(s, labels, 0, rows, c, g, null, pl, pa, new OptionRowConstants(scale), null, ref ce, ref z);
        Xunit.Assert.Equal(expected, argmax);
        return ce;
    }

    /// <summary>
    /// The register kernel's option entry with no option on (its plain contract), its argmax checked against the
    /// reference and its per-row losses and lse against each row's own loss (the rows it drops or double counts show).
    /// </summary>
    private static double RegisterOptionsAvx512(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale)
    {
        var losses = new float[rows];
        var lse = new float[rows];
        var argmax = new int[rows];
        var expected = new int[rows];
        var expectedLse = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = new ReadOnlySpan<float>(s + (nint)r * c, c);
            expected[r] = OptionPlan.Argmax(row);
            double max = double.NegativeInfinity, sum = 0;
            foreach (float v in row) max = Math.Max(max, v);
            foreach (float v in row) sum += Math.Exp(v - max);
            expectedLse[r] = max + Math.Log(sum);
        }
        double total;
        fixed (float* pl = losses, pe = lse)
        fixed (int* pa = argmax)
            total = CrossEntropyShortRowRegistersAvx512.RunOptions<FlagOff, FlagOff, FlagOn>(s, labels, rows, c, g, pl, pe, pa, new OptionRowConstants(scale));
        Xunit.Assert.Equal(expected, argmax);
        double rowSum = 0;
        for (int r = 0; r < rows; r++)
        {
            rowSum += losses[r];
            if (double.IsFinite(expectedLse[r])) Xunit.Assert.Equal(expectedLse[r], lse[r], Math.Max(1e-6, Math.Abs(expectedLse[r]) * 2e-6));
        }
        if (double.IsFinite(total)) Xunit.Assert.Equal(total, rowSum, Math.Max(1e-5, Math.Abs(total) * 1e-5));
        return total;
    }

    /// <summary>The options kernel with no option on (ε = λ = 0, no weights): the plain kernel's contract, plus its argmax checked here.</summary>
    private static double OptionsRow<T, V>(float* s, int* labels, int rows, int c, float* g, float scale)
        where T : struct, IVectorOps<V>, ICrossEntropyOptionsIsa<V> where V : struct
    {
        var lse = new float[rows];
        var argmax = new int[rows];
        var expected = new int[rows];
        for (int r = 0; r < rows; r++) expected[r] = OptionPlan.Argmax(new ReadOnlySpan<float>(s + (nint)r * c, c)); // before g = s overwrites
        double total;
        fixed (float* pl = lse)
        fixed (int* pa = argmax)
            total = CrossEntropyOptionsRow<T, V>.Run(s, labels, null, rows, c, g, null, pl, pa, new OptionRowConstants(scale), out _);
        Xunit.Assert.Equal(expected, argmax);
        return total;
    }
}
