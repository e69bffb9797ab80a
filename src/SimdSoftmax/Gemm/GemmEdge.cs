namespace SimdSoftmax;

/// <summary>The partial tiles at the right and bottom edges of C, shared by every loop nest over the microkernels.</summary>
internal static unsafe class GemmEdge
{
    /// <summary>C[0..rows, 0..cols] = alpha·tile + beta·C with the microkernels' rounding (beta = 0 never reads C).</summary>
    public static void Update(float* tile, int nr, float* c, nint ldc, int rows, int cols, float alpha, float beta)
    {
        for (int i = 0; i < rows; i++)
        {
            float* t = tile + i * nr;
            float* ci = c + i * ldc;
            if (beta == 0f)
                for (int j = 0; j < cols; j++) ci[j] = t[j] * alpha;
            else
                for (int j = 0; j < cols; j++) ci[j] = MathF.FusedMultiplyAdd(ci[j], beta, t[j] * alpha);
        }
    }
}
