using System.Numerics.Tensors;
using SimdSoftmax.Tests.Properties;

namespace SimdSoftmax.Tests;

/// <summary>
/// The row-strided and threaded overloads of Softmax.Rows / LogRows and SoftmaxCrossEntropy.Loss / LossAndGradient:
/// every path against the scalar reference (the contiguous scalar overload, row by row), canaries in the padding between
/// cols and the stride and around the span, in place, and bitwise the same for threads 1, 2, 3 and 0.
/// </summary>
public class StridedRowsTests
{
    public static TheoryData<KernelPath, int, int, int> Shapes()
    {
        var d = new TheoryData<KernelPath, int, int, int>();
        foreach (KernelPath path in new[] { KernelPath.Scalar, KernelPath.Avx2, KernelPath.Avx512 })
            foreach ((int rows, int cols) in new[] { (0, 0), (0, 7), (1, 1), (3, 5), (17, 10), (130, 16), (70, 17), (65, 64), (33, 65), (9, 1000), (2, 4500), (2100, 33) })
                foreach (int pad in new[] { 0, 3 })
                    d.Add(path, rows, cols, pad);
        return d;
    }

    private static float[] Input(int rows, int cols, int ld, int seed)
    {
        var rng = new Random(seed);
        var x = new float[Math.Max(0, (rows - 1) * ld + cols) + 5]; // 5 spare floats: a pooled buffer longer than needed
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 20 - 10);
        return x;
    }

    /// <summary>A canary-filled output of (rows−1)·ld + cols floats (inside Canary.Guard floats of canary on each side).</summary>
    private static float[] Output(int rows, int cols, int ld) => Canary.Buffer(Extent(rows, cols, ld));

    private static int Extent(int rows, int cols, int ld) => rows == 0 ? 0 : (rows - 1) * ld + cols;

    /// <summary>Every float outside the rows' cols (the padding, the guards) still holds the canary.</summary>
    private static void PaddingIntact(float[] buffer, int rows, int cols, int ld)
    {
        int extent = Extent(rows, cols, ld);
        Canary.CheckGuards(buffer, extent, "y");
        for (int i = 0; i < extent; i++)
            if (i % ld >= cols) Assert.True(Canary.Is(buffer[Canary.Guard + i]), $"padding float {i} (row {i / ld}, column {i % ld}) was written");
    }

    private static void Near(float expected, float actual, double relative, double absolute, string what)
    {
        if (float.IsNaN(expected)) { Assert.True(float.IsNaN(actual), what); return; }
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected) + absolute, $"{what}: {actual:R} vs reference {expected:R}");
    }

    [SkippableTheory, MemberData(nameof(Shapes))]
    public void Softmax_rows_strided_match_scalar_reference_and_every_thread_count(KernelPath path, int rows, int cols, int pad)
    {
        Paths.Require(path);
        int ldx = Math.Max(1, cols + pad), ldy = Math.Max(1, cols + 2 * pad);
        float[] x = Input(rows, cols, ldx, rows * 31 + cols);
        foreach (bool log in new[] { false, true })
        {
            float[] y1 = Output(rows, cols, ldy);
            Span<float> y = y1.AsSpan(Canary.Guard, Extent(rows, cols, ldy));
            if (log) Softmax.LogRows(x, ldx, y, ldy, rows, cols, path, threads: 1);
            else Softmax.Rows(x, ldx, y, ldy, rows, cols, path, threads: 1);
            PaddingIntact(y1, rows, cols, ldy);
            var expected = new float[cols];
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> xr = x.AsSpan(r * ldx, cols);
                if (log) Softmax.LogRows(xr, expected, cols, KernelPath.Scalar);
                else Softmax.Rows(xr, expected, cols, KernelPath.Scalar);
                for (int j = 0; j < cols; j++)
                {
                    float actual = y1[Canary.Guard + r * ldy + j];
                    if (path == KernelPath.Scalar) Assert.Equal(BitConverter.SingleToInt32Bits(expected[j]), BitConverter.SingleToInt32Bits(actual));
                    else if (log) Near(expected[j], actual, 1e-5, 1e-6, $"log row {r} col {j}");
                    else Near(expected[j], actual, 1e-5, 1e-12, $"row {r} col {j}");
                }
            }
            foreach (int threads in new[] { 2, 3, 0 })
            {
                float[] yt = Output(rows, cols, ldy);
                Span<float> ys = yt.AsSpan(Canary.Guard, Extent(rows, cols, ldy));
                if (log) Softmax.LogRows(x, ldx, ys, ldy, rows, cols, path, threads);
                else Softmax.Rows(x, ldx, ys, ldy, rows, cols, path, threads);
                Canary.BitwiseEqual(y1, yt, $"threads={threads} vs 1");
            }
            // In place on the strided layout (same start, same stride) gives the same bits as out of place.
            float[] io = Output(rows, cols, ldx);
            Span<float> ios = io.AsSpan(Canary.Guard, Extent(rows, cols, ldx));
            x.AsSpan(0, ios.Length).CopyTo(ios);
            if (log) Softmax.LogRows(ios, ldx, ios, ldx, rows, cols, path, threads: 2);
            else Softmax.Rows(ios, ldx, ios, ldx, rows, cols, path, threads: 2);
            for (int r = 0; r < rows; r++)
                Canary.BitwiseEqual(y1.AsSpan(Canary.Guard + r * ldy, cols), ios.Slice(r * ldx, cols), $"in place row {r}");
        }
    }

    [SkippableTheory, MemberData(nameof(Shapes))]
    public void Cross_entropy_strided_matches_scalar_reference_and_every_thread_count(KernelPath path, int rows, int cols, int pad)
    {
        Paths.Require(path);
        int ld = Math.Max(1, cols + pad), ldg = Math.Max(1, cols + 2 * pad);
        float[] logits = Input(rows, cols, ld, rows * 17 + cols);
        var rng = new Random(rows + cols);
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) labels[i] = rng.Next(cols);
        float[] dense = new float[rows * cols];
        for (int r = 0; r < rows; r++) logits.AsSpan(r * ld, cols).CopyTo(dense.AsSpan(r * cols));
        float[] expectedGrad = new float[rows * cols];
        float expectedLoss = SoftmaxCrossEntropy.LossAndGradient(dense, labels, expectedGrad, cols, KernelPath.Scalar);

        float[] g1 = Output(rows, cols, ldg);
        Span<float> g = g1.AsSpan(Canary.Guard, Extent(rows, cols, ldg));
        float loss1 = SoftmaxCrossEntropy.LossAndGradient(logits, ld, labels, g, ldg, rows, cols, path, threads: 1);
        PaddingIntact(g1, rows, cols, ldg);
        Near(expectedLoss, loss1, 2e-6, 1e-7, "loss");
        Assert.Equal(BitConverter.SingleToInt32Bits(loss1), BitConverter.SingleToInt32Bits(SoftmaxCrossEntropy.Loss(logits, ld, labels, rows, cols, path, threads: 1)));
        if (rows <= Math.Max(1, 16384 / Math.Max(1, cols))) // one chunk: the contiguous overload's bits (documented)
            Assert.Equal(BitConverter.SingleToInt32Bits(SoftmaxCrossEntropy.Loss(dense, labels, cols, path)), BitConverter.SingleToInt32Bits(loss1));
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++)
            {
                float e = expectedGrad[r * cols + j], a = g1[Canary.Guard + r * ldg + j];
                if (path == KernelPath.Scalar) Assert.Equal(BitConverter.SingleToInt32Bits(e), BitConverter.SingleToInt32Bits(a));
                else Near(e, a, 1e-5, 1e-7 / rows, $"gradient row {r} col {j}");
            }
        foreach (int threads in new[] { 2, 3, 0 })
        {
            float[] gt = Output(rows, cols, ldg);
            float loss = SoftmaxCrossEntropy.LossAndGradient(logits, ld, labels, gt.AsSpan(Canary.Guard, g.Length), ldg, rows, cols, path, threads);
            Assert.Equal(BitConverter.SingleToInt32Bits(loss1), BitConverter.SingleToInt32Bits(loss));
            Assert.Equal(BitConverter.SingleToInt32Bits(loss1), BitConverter.SingleToInt32Bits(SoftmaxCrossEntropy.Loss(logits, ld, labels, rows, cols, path, threads)));
            Canary.BitwiseEqual(g1, gt, $"gradient threads={threads} vs 1");
        }
        // In place: the gradient overwrites the logits on their own layout.
        float[] io = (float[])logits.Clone();
        float lossInPlace = SoftmaxCrossEntropy.LossAndGradient(io, ld, labels, io, ld, rows, cols, path, threads: 2);
        Assert.Equal(BitConverter.SingleToInt32Bits(loss1), BitConverter.SingleToInt32Bits(lossInPlace));
        for (int r = 0; r < rows; r++)
            Canary.BitwiseEqual(g1.AsSpan(Canary.Guard + r * ldg, cols), io.AsSpan(r * ld, cols), $"in place row {r}");
    }

    [Fact]
    public void Tensor_span_overloads_match_the_strided_span_overloads()
    {
        const int rows = 37, cols = 19, ld = 24;
        float[] x = Input(rows, cols, ld, 5);
        var xt = new ReadOnlyTensorSpan<float>(x, [rows, cols], [ld, 1]);
        float[] y = Output(rows, cols, ld), yRef = Output(rows, cols, ld);
        var yt = new TensorSpan<float>(y, Canary.Guard, [rows, cols], [ld, 1]);
        Softmax.Rows(xt, yt, KernelPath.Auto, threads: 2);
        Softmax.Rows(x, ld, yRef.AsSpan(Canary.Guard), ld, rows, cols);
        Canary.BitwiseEqual(yRef, y, "softmax tensor vs span");
        PaddingIntact(y, rows, cols, ld);
        Softmax.LogRows(xt, yt);
        Softmax.LogRows(x, ld, yRef.AsSpan(Canary.Guard), ld, rows, cols);
        Canary.BitwiseEqual(yRef, y, "log-softmax tensor vs span");
        // In place: one TensorSpan as input and output (it converts to ReadOnlyTensorSpan).
        float[] io = Output(rows, cols, ld);
        x.AsSpan(0, Extent(rows, cols, ld)).CopyTo(io.AsSpan(Canary.Guard));
        var iot = new TensorSpan<float>(io, Canary.Guard, [rows, cols], [ld, 1]);
        Softmax.LogRows(iot, iot, threads: 2);
        for (int r = 0; r < rows; r++) Canary.BitwiseEqual(yRef.AsSpan(Canary.Guard + r * ld, cols), io.AsSpan(Canary.Guard + r * ld, cols), $"in place row {r}");
        Canary.CheckGuards(io, Extent(rows, cols, ld), "in place");

        int[] labels = Enumerable.Range(0, rows).Select(i => i * 7 % cols).ToArray();
        Assert.Equal(SoftmaxCrossEntropy.Loss(x, ld, labels, rows, cols), SoftmaxCrossEntropy.Loss(xt, labels));
        float lossT = SoftmaxCrossEntropy.LossAndGradient(xt, labels, yt, threads: 3);
        float lossS = SoftmaxCrossEntropy.LossAndGradient(x, ld, labels, yRef.AsSpan(Canary.Guard), ld, rows, cols);
        Assert.Equal(lossS, lossT);
        Canary.BitwiseEqual(yRef, y, "cross-entropy gradient tensor vs span");

        // Dense tensors from plain arrays, and Gemm: C = A·B with a strided A.
        float[] a = Input(rows, cols, ld, 9), b = Input(cols, 11, 11, 10);
        float[] c = Canary.Buffer(rows * 11), cRef = new float[rows * 11];
        Gemm.Multiply(new ReadOnlyTensorSpan<float>(a, [rows, cols], [ld, 1]), new ReadOnlyTensorSpan<float>(b, [cols, 11], [11, 1]),
            new TensorSpan<float>(c, Canary.Guard, [rows, 11], [11, 1]), threads: 2);
        Gemm.Multiply(a, ld, Transpose.No, b.AsSpan(0, cols * 11), 11, Transpose.No, cRef, 11, rows, 11, cols, 1f, 0f);
        Canary.CheckGuards(c, rows * 11, "c");
        Canary.BitwiseEqual(cRef, c.AsSpan(Canary.Guard, rows * 11), "gemm tensor vs span");
    }

    [Fact]
    public void Tensor_spans_with_a_column_stride_or_the_wrong_shape_are_rejected_before_writing()
    {
        float[] x = Input(4, 6, 6, 1);
        float[] y = Canary.Buffer(24);
        TensorSpan<float> Yt() => new(y, Canary.Guard, [4, 6], [6, 1]);
        var e = Assert.Throws<ArgumentException>(() => Softmax.Rows(new ReadOnlyTensorSpan<float>(x, [6, 4], [1, 6]), new TensorSpan<float>(y, Canary.Guard, [6, 4], [4, 1])));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("column stride", e.Message);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => Softmax.Rows(new ReadOnlyTensorSpan<float>(x), Yt())).ParamName); // rank 1
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => Softmax.LogRows(new ReadOnlyTensorSpan<float>(x, [3, 6], [6, 1]), Yt())).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => Softmax.Rows(new ReadOnlyTensorSpan<float>(x, [4, 6], [0, 1]), Yt())).ParamName); // broadcast rows
        Assert.Equal("dLogits", Assert.Throws<ArgumentException>(() =>
            SoftmaxCrossEntropy.LossAndGradient(new ReadOnlyTensorSpan<float>(x, [4, 6], [6, 1]), [0, 1, 2, 3], new TensorSpan<float>(y, Canary.Guard, [4, 5], [6, 1]))).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropy.Loss(new ReadOnlyTensorSpan<float>(x, [4, 6], [6, 1]), [0, 1, 2])).ParamName);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(new ReadOnlyTensorSpan<float>(x, [4, 6], [6, 1]), new ReadOnlyTensorSpan<float>(x, [4, 6], [6, 1]), Yt())).ParamName);
        Assert.Equal("threads", Assert.Throws<ArgumentOutOfRangeException>(() => Softmax.Rows(new ReadOnlyTensorSpan<float>(x, [4, 6], [6, 1]), Yt(), threads: -1)).ParamName);
        Assert.True(y.All(Canary.Is), "an output was written by a rejected call");
    }

    public static TheoryData<string, Type, string, Action<float[]>> Rejections()
    {
        float[] x = new float[40];
        int[] labels = [0, 1, 2, 3];
        var d = new TheoryData<string, Type, string, Action<float[]>>
        {
            { "softmax ldx < cols", typeof(ArgumentOutOfRangeException), "ldx", y => Softmax.Rows(x, 4, y, 10, 4, 5) },
            { "softmax ldy < cols", typeof(ArgumentOutOfRangeException), "ldy", y => Softmax.LogRows(x, 5, y, 4, 4, 5) },
            { "softmax ldx zero with no rows", typeof(ArgumentOutOfRangeException), "ldx", y => Softmax.Rows([], 0, y, 1, 0, 0) },
            { "softmax x too short", typeof(ArgumentException), "x", y => Softmax.Rows(x.AsSpan(0, 34), 10, y, 10, 4, 5) },
            { "softmax y too short", typeof(ArgumentException), "y", y => Softmax.Rows(x, 10, y.AsSpan(0, 30), 10, 4, 5) },
            { "softmax extent overflows", typeof(ArgumentOutOfRangeException), "ldx", y => Softmax.Rows(x, 1 << 20, y, 10, 1 << 12, 5) },
            { "softmax y partly overlaps x", typeof(ArgumentException), "y", y => Softmax.Rows(y.AsSpan(0, 35), 10, y.AsSpan(1, 35), 10, 4, 5) },
            { "softmax in place with another stride", typeof(ArgumentException), "y", y => Softmax.Rows(y, 10, y, 9, 4, 5) },
            { "softmax negative threads", typeof(ArgumentOutOfRangeException), "threads", y => Softmax.Rows(x, 10, y, 10, 4, 5, threads: -1) },
            { "softmax negative rows", typeof(ArgumentOutOfRangeException), "rows", y => Softmax.Rows(x, 10, y, 10, -1, 5) },
            { "softmax cols 0 with rows", typeof(ArgumentOutOfRangeException), "cols", y => Softmax.Rows(x, 1, y, 1, 2, 0) },
            { "softmax dense cols 0 with rows", typeof(ArgumentOutOfRangeException), "cols", y => Softmax.Rows(x, y, 0) },
            { "ce ld < cols", typeof(ArgumentOutOfRangeException), "ldLogits", y => SoftmaxCrossEntropy.Loss(x, 4, labels, 4, 5) },
            { "ce labels length", typeof(ArgumentException), "labels", y => SoftmaxCrossEntropy.LossAndGradient(x, 10, labels.AsSpan(0, 3), y, 10, 4, 5) },
            { "ce label out of range", typeof(ArgumentOutOfRangeException), "labels", y => SoftmaxCrossEntropy.LossAndGradient(x, 10, [0, 1, 5, 3], y, 10, 4, 5) },
            { "ce dLogits stride < cols", typeof(ArgumentOutOfRangeException), "ldDLogits", y => SoftmaxCrossEntropy.LossAndGradient(x, 10, labels, y, 4, 4, 5) },
            { "ce dLogits too short", typeof(ArgumentException), "dLogits", y => SoftmaxCrossEntropy.LossAndGradient(x, 10, labels, y.AsSpan(0, 34), 10, 4, 5) },
            { "ce dLogits partly overlaps logits", typeof(ArgumentException), "dLogits", y => SoftmaxCrossEntropy.LossAndGradient(y.AsSpan(0, 35), 10, labels, y.AsSpan(2, 35), 10, 4, 5) },
            { "ce negative threads", typeof(ArgumentOutOfRangeException), "threads", y => SoftmaxCrossEntropy.LossAndGradient(x, 10, labels, y, 10, 4, 5, threads: -2) },
            { "ce cols 0 with rows", typeof(ArgumentOutOfRangeException), "cols", y => SoftmaxCrossEntropy.Loss(x, 1, labels, 4, 0) },
            { "ce extent overflows", typeof(ArgumentOutOfRangeException), "ldLogits", y => SoftmaxCrossEntropy.Loss(x, 1 << 20, new int[1 << 12], 1 << 12, 5) },
        };
        return d;
    }

    [Theory, MemberData(nameof(Rejections))]
    public void Strided_entries_reject_bad_arguments_before_writing(string name, Type exception, string parameter, Action<float[]> call)
    {
        float[] y = new float[40];
        y.AsSpan().Fill(Canary.Value);
        Exception e = Assert.Throws(exception, () => call(y));
        Assert.Equal(parameter, ((ArgumentException)e).ParamName);
        Assert.True(y.All(Canary.Is), $"{name}: the output was written");
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Empty_batches_are_valid_with_any_cols_in_every_row_family(KernelPath path)
    {
        Paths.Require(path);
        foreach (int cols in new[] { 0, 1, 10 })
        {
            Softmax.Rows([], [], cols, path);
            Softmax.LogRows([], [], cols, path);
            Softmax.Rows([], Math.Max(1, cols), [], Math.Max(1, cols), 0, cols, path);
            Softmax.LogRows([], Math.Max(1, cols), [], Math.Max(1, cols), 0, cols, path, threads: 2);
            Assert.Equal(0f, SoftmaxCrossEntropy.Loss([], [], cols, path));
            Assert.Equal(0f, SoftmaxCrossEntropy.LossAndGradient([], [], [], cols, path));
            Assert.Equal(0f, SoftmaxCrossEntropy.Loss([], Math.Max(1, cols), [], 0, cols, path));
            Assert.Equal(0f, SoftmaxCrossEntropy.LossAndGradient([], Math.Max(1, cols), [], [], Math.Max(1, cols), 0, cols, path));
            var empty = new ReadOnlyTensorSpan<float>(Array.Empty<float>(), [0, cols]);
            var emptyOut = new TensorSpan<float>(Array.Empty<float>(), [0, cols]);
            Softmax.Rows(empty, emptyOut, path);
            Assert.Equal(0f, SoftmaxCrossEntropy.LossAndGradient(empty, [], emptyOut, path));
            Gemm.Multiply([], [], [], 0, cols, 0, path);
        }
    }

    [Fact]
    public void The_single_thread_strided_path_allocates_nothing()
    {
        const int rows = 300, cols = 37, ld = 40;
        float[] x = Input(rows, cols, ld, 3), y = new float[rows * ld];
        int[] labels = Enumerable.Range(0, rows).Select(i => i % cols).ToArray();
        for (int warm = 0; warm < 3; warm++)
        {
            Softmax.Rows(x, ld, y, ld, rows, cols, threads: 1);
            SoftmaxCrossEntropy.LossAndGradient(x, ld, labels, y, ld, rows, cols, threads: 1);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        Softmax.Rows(x, ld, y, ld, rows, cols, threads: 1);
        Softmax.LogRows(x, ld, y, ld, rows, cols, threads: 1);
        SoftmaxCrossEntropy.Loss(x, ld, labels, rows, cols, threads: 1);
        SoftmaxCrossEntropy.LossAndGradient(x, ld, labels, y, ld, rows, cols, threads: 1);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
