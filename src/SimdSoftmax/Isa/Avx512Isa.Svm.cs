using System.Runtime.Intrinsics;

namespace SimdSoftmax;

/// <summary>The multiclass SVM on 512-bit vectors: the hinge rows of <see cref="HingeRowsSimd{T, V}"/> (the fused classifier uses the softmax classifier's tiles, <see cref="IFusedClassifierKernels"/>).</summary>
internal readonly unsafe partial struct Avx512Isa : ISvmIsa
{
    static KernelPath ISvmIsa.Path => KernelPath.Avx512;

    static double ISvmIsa.HingeRows(float* s, int* labels, int rows, int classes, int ld, float* g, int ldg, float scale) =>
        HingeRowsSimd<Avx512Isa, Vector512<float>>.Run(s, labels, rows, classes, ld, g, ldg, scale);
}
