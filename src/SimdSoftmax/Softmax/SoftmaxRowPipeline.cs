using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>The per-row softmax kernels the pipeline runs (<see cref="SoftmaxLongRowKernels{T, V}"/> on each ISA).</summary>
internal unsafe interface ISoftmaxRowKernels
{
    /// <summary>Max of the n floats at x (never NaN).</summary>
    static abstract float RowMax(float* x, nint n);

    /// <summary>One pipeline sweep: finish row f, exp (and sum) row e, max of row m (see the ISA's implementation).</summary>
    static abstract double FinishExpMax<TLog, TFinish, TMax>(float* xFinish, float* yFinish, float a, float b,
        float* xExp, float* yExp, float maxExp, float* xMax, nint n, out float maxOut)
        where TLog : struct, ICompileTimeFlag where TFinish : struct, ICompileTimeFlag where TMax : struct, ICompileTimeFlag;

    /// <summary>y *= scale over n floats.</summary>
    static abstract void Scale(float* y, nint n, float scale);

    /// <summary>y = (x − max) − logSum over n floats.</summary>
    static abstract void SubtractMaxAndLogSum(float* x, float* y, nint n, float max, float logSum);
}

/// <summary>
/// Softmax or log-softmax of rows too long for the short-row kernels (up to <see cref="MaxCols"/>), software pipelined
/// across rows: each sweep finishes row r − 1 (scale, or subtract max and log Σ), exponentiates row r and takes the max
/// of row r + 1 (<see cref="ISoftmaxRowKernels.FinishExpMax"/>), so the max and finishing passes ride along with the
/// exp's arithmetic instead of costing sweeps of their own. The kernels are a struct type argument, so the JIT
/// specializes the driver per ISA. Bitwise the same as the three per-row passes row by row; y may be x
/// (rows are disjoint, and each row is read by the max and exp parts before the finishing part writes it).
/// </summary>
internal static unsafe class SoftmaxRowPipeline
{
    /// <summary>Elements summed in float vector accumulators before the partial sum moves to a double (long rows stay accurate).</summary>
    public const int SumBlock = 4096;

    /// <summary>Longest row: the pipeline sums a row in one <see cref="SumBlock"/>.</summary>
    public const int MaxCols = SumBlock;

    /// <summary>Rows (≥ 2) of n ≤ <see cref="MaxCols"/> floats at x into y.</summary>
    public static void Rows<TKernels>(float* x, float* y, int rows, nint n, bool log) where TKernels : struct, ISoftmaxRowKernels
    {
        if (log) Rows<TKernels, FlagOn>(x, y, rows, n);
        else Rows<TKernels, FlagOff>(x, y, rows, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows<TKernels, TLog>(float* x, float* y, int rows, nint n)
        where TKernels : struct, ISoftmaxRowKernels where TLog : struct, ICompileTimeFlag
    {
        Debug.Assert(rows >= 2 && n > 0 && n <= MaxCols);
        bool log = TLog.Value;
        float max = TKernels.RowMax(x, n), previousMax;
        double sum = TKernels.FinishExpMax<TLog, FlagOff, FlagOn>(null, null, 0f, 0f, x, y, max, x + n, n, out float nextMax);
        for (int r = 1; r < rows; r++)
        {
            nint o = r * n;
            previousMax = max;
            max = nextMax;
            // Row r − 1's finishing constants: 1/Σ for softmax; max and log Σ for log-softmax.
            float a = log ? previousMax : (float)(1.0 / sum), b = log ? (float)Math.Log(sum) : 0f;
            sum = r + 1 < rows
                ? TKernels.FinishExpMax<TLog, FlagOn, FlagOn>(x + o - n, y + o - n, a, b, x + o, y + o, max, x + o + n, n, out nextMax)
                : TKernels.FinishExpMax<TLog, FlagOn, FlagOff>(x + o - n, y + o - n, a, b, x + o, y + o, max, null, n, out _);
        }
        nint last = (rows - 1) * n;
        if (log) TKernels.SubtractMaxAndLogSum(x + last, y + last, n, max, (float)Math.Log(sum));
        else TKernels.Scale(y + last, n, (float)(1.0 / sum));
    }
}
