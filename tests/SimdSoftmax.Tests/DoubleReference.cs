namespace SimdSoftmax.Tests;

/// <summary>Independent oracles computed entirely in double, written from the formulas rather than from the library's code.</summary>
public static class DoubleReference
{
    /// <summary>C = alpha·op(A)·op(B) + beta·C (beta = 0: C not read), row-major with strides.</summary>
    public static double[] Gemm(bool ta, bool tb, int m, int n, int k, double alpha, float[] a, int lda, float[] b, int ldb,
        double beta, float[] c, int ldc)
    {
        var r = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                    s += (double)(ta ? a[p * lda + i] : a[i * lda + p]) * (tb ? b[j * ldb + p] : b[p * ldb + j]);
                double prod = alpha == 0 || k == 0 ? 0 : alpha * s;
                r[i * n + j] = beta == 0 ? prod : prod + beta * c[i * ldc + j];
            }
        return r;
    }

    public static double[] Softmax(ReadOnlySpan<float> x, int cols, bool log)
    {
        var y = new double[x.Length];
        for (int r = 0; r < x.Length / cols; r++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < cols; j++) max = Math.Max(max, x[r * cols + j]);
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += Math.Exp(x[r * cols + j] - max);
            for (int j = 0; j < cols; j++)
                y[r * cols + j] = log ? x[r * cols + j] - max - Math.Log(sum) : Math.Exp(x[r * cols + j] - max) / sum;
        }
        return y;
    }

    /// <summary>Mean CE loss and (P − onehot)/N.</summary>
    public static (double Loss, double[] Grad) CrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int c)
    {
        int n = labels.Length;
        double[] logp = Softmax(logits, Math.Max(c, 1), log: true);
        var g = new double[logits.Length];
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            loss -= logp[i * c + labels[i]];
            for (int j = 0; j < c; j++) g[i * c + j] = (Math.Exp(logp[i * c + j]) - (j == labels[i] ? 1 : 0)) / n;
        }
        return (n == 0 ? 0 : loss / n, g);
    }

    /// <summary>The classifier in double: loss, dW, db (CS231n, ½·reg·ΣW² convention).</summary>
    public static (double Loss, double[] DW, double[] Db) Classifier(double[] w, double[]? b, double[] x, int[] y, int n, int d, int c, double reg)
    {
        var dW = new double[d * c];
        var db = new double[c];
        double loss = 0;
        var s = new double[c];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < c; j++)
            {
                double v = b is null ? 0 : b[j];
                for (int p = 0; p < d; p++) v += x[i * d + p] * w[p * c + j];
                s[j] = v;
            }
            double max = s.Max(), sum = 0;
            for (int j = 0; j < c; j++) sum += Math.Exp(s[j] - max);
            loss += Math.Log(sum) - (s[y[i]] - max);
            for (int j = 0; j < c; j++)
            {
                double g = (Math.Exp(s[j] - max) / sum - (j == y[i] ? 1 : 0)) / n;
                db[j] += g;
                for (int p = 0; p < d; p++) dW[p * c + j] += g * x[i * d + p];
            }
        }
        double r2 = 0;
        for (int k = 0; k < w.Length; k++) { r2 += w[k] * w[k]; dW[k] += reg * w[k]; }
        return ((n == 0 ? 0 : loss / n) + 0.5 * reg * r2, dW, db);
    }

    public static double[] ToDouble(float[] a) => Array.ConvertAll(a, v => (double)v);
}
