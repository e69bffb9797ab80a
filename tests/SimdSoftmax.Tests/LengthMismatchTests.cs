using System.Numerics.Tensors;

namespace SimdSoftmax.Tests;

/// <summary>
/// Every family blames the parameter whose length is wrong, spelled as the vocabulary spells it (docs/guarantees.md
/// § Vocabulary): three labels for four rows blame <c>labels</c>, never the logits; a short bias blames <c>bias</c>, a
/// short bias gradient <c>dBias</c>. Each call has exactly one wrong length, and every output is checked untouched.
/// </summary>
public class LengthMismatchTests
{
    private const int Rows = 4, Cols = 3, Features = 5;

    private static readonly float[] Logits = Data.Uniform(Rows * Cols, 1);
    private static readonly int[] Labels = [0, 2, 1, 2];

    /// <summary>Runs a call that must throw <typeparamref name="T"/> naming <paramref name="param"/>, with its outputs filled with 7.</summary>
    private static void Blames<T>(string param, Action<float[][]> call, params int[] outputLengths) where T : ArgumentException
    {
        float[][] outputs = outputLengths.Select(n => Data.Filled(n, 7f)).ToArray();
        Assert.Equal(param, Assert.Throws<T>(() => call(outputs)).ParamName);
        foreach (float[] o in outputs) Assert.All(o, v => Assert.Equal(7f, v));
    }

    [Fact]
    public void Softmax_blames_x_or_y()
    {
        Blames<ArgumentException>("x", o => Softmax.Rows(Logits.AsSpan(1), o[0], Cols), Rows * Cols - 1);
        Blames<ArgumentException>("y", o => Softmax.LogRows(Logits, o[0], Cols), Rows * Cols - 1);
        Blames<ArgumentException>("x", o => Softmax.Rows(Logits.AsSpan(0, 8), Cols, o[0], Cols, Rows, Cols), Rows * Cols);
        Blames<ArgumentException>("y", o => Softmax.Rows(Logits, Cols, o[0], Cols, Rows, Cols), Rows * Cols - 1);
        Blames<ArgumentException>("y", o => Softmax.Rows(new ReadOnlyTensorSpan<float>(Logits, [Rows, Cols], [Cols, 1]),
            new TensorSpan<float>(o[0], [Rows - 1, Cols], [Cols, 1])), Rows * Cols);
    }

    [Fact]
    public void Cross_entropy_blames_labels_for_a_label_count_that_is_not_the_row_count()
    {
        int[] three = [0, 1, 2];
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropy.Loss(Logits, three, Cols)).ParamName);
        Blames<ArgumentException>("labels", o => SoftmaxCrossEntropy.LossAndGradient(Logits, three, o[0], Cols), Rows * Cols);
        Blames<ArgumentException>("labels", o => SoftmaxCrossEntropy.LossAndGradient(Logits, [0, 1, 2, 0, 1], o[0], Cols), Rows * Cols);
        Blames<ArgumentException>("logits", o => SoftmaxCrossEntropy.LossAndGradient(Logits.AsSpan(1), Labels, o[0], Cols), Rows * Cols - 1);
        Blames<ArgumentException>("dLogits", o => SoftmaxCrossEntropy.LossAndGradient(Logits, Labels, o[0], Cols), Rows * Cols - 1);
        // The options overloads.
        Blames<ArgumentException>("labels", o => SoftmaxCrossEntropy.LossAndGradient(Logits, three, o[0], Cols, new CrossEntropyOptions { LabelSmoothing = 0.1f }), Rows * Cols);
        Blames<ArgumentException>("targets", o => SoftmaxCrossEntropy.LossAndGradient(Logits, Data.Uniform(Rows * Cols - 1, 2), o[0], Cols, default(CrossEntropyOptions)), Rows * Cols);
        Blames<ArgumentException>("dLogits", o => SoftmaxCrossEntropy.LossAndGradient(Logits, Labels, o[0], Cols, default(CrossEntropyOptions)), Rows * Cols + 1);
        Blames<ArgumentException>("options.ClassWeights", o => SoftmaxCrossEntropy.LossAndGradient(Logits, Labels, o[0], Cols,
            new CrossEntropyOptions { ClassWeights = new float[Cols - 1] }), Rows * Cols);
        Blames<ArgumentException>("rowOutputs.Losses", o => SoftmaxCrossEntropy.LossAndGradient(Logits, Labels, o[0], Cols,
            new CrossEntropyOptions { Reduction = CrossEntropyReduction.None }, new CrossEntropyRowOutputs { Losses = o[1] }), Rows * Cols, Rows - 1);
        // Strided and tensor overloads: rows are explicit, so labels is checked against them.
        Blames<ArgumentException>("labels", o => SoftmaxCrossEntropy.LossAndGradient(Logits, Cols, three, o[0], Cols, Rows, Cols), Rows * Cols);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() =>
            SoftmaxCrossEntropy.Loss(new ReadOnlyTensorSpan<float>(Logits, [Rows, Cols], [Cols, 1]), three)).ParamName);
    }

    [Fact]
    public void Multiclass_svm_blames_labels_scores_or_dScores()
    {
        Blames<ArgumentException>("labels", o => MulticlassSvm.LossAndGradient(Logits, [0, 1, 2], o[0], Cols), Rows * Cols);
        Blames<ArgumentException>("scores", o => MulticlassSvm.LossAndGradient(Logits.AsSpan(2), Labels, o[0], Cols), Rows * Cols - 2);
        Blames<ArgumentException>("dScores", o => MulticlassSvm.LossAndGradient(Logits, Labels, o[0], Cols), Rows * Cols - 1);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => MulticlassSvm.Loss(Logits, [0, 1, 2], Cols)).ParamName);
    }

    public static TheoryData<string> ClassifierFamilies() => new() { "softmax", "svm" };

    [Theory]
    [MemberData(nameof(ClassifierFamilies))]
    public void Classifiers_blame_the_argument_whose_length_is_wrong(string family)
    {
        float[] x = Data.Uniform(Rows * Features, 3), w = Data.Uniform(Features * Cols, 4), bias = Data.Uniform(Cols, 5);
        int ws = family == "svm" ? SvmLoss.WorkspaceLength(Rows, Features, Cols) : SoftmaxLoss.WorkspaceLength(Rows, Features, Cols);
        float Call(ReadOnlySpan<float> xx, ReadOnlySpan<float> ww, ReadOnlySpan<float> bb, ReadOnlySpan<int> labels, Span<float> dW, Span<float> dBias, Span<float> work) =>
            family == "svm"
                ? SvmLoss.LossAndGradient(xx, ww, bb, labels, dW, dBias, work, Rows, Features, Cols)
                : SoftmaxLoss.LossAndGradient(xx, ww, bb, labels, dW, dBias, work, Rows, Features, Cols);
        int dw = Features * Cols;
        Blames<ArgumentException>("x", o => Call(x.AsSpan(1), w, bias, Labels, o[0], o[1], o[2]), dw, Cols, ws);
        Blames<ArgumentException>("w", o => Call(x, w.AsSpan(1), bias, Labels, o[0], o[1], o[2]), dw, Cols, ws);
        Blames<ArgumentException>("bias", o => Call(x, w, bias.AsSpan(1), Labels, o[0], o[1], o[2]), dw, Cols, ws);
        Blames<ArgumentException>("labels", o => Call(x, w, bias, [0, 1, 2], o[0], o[1], o[2]), dw, Cols, ws);
        Blames<ArgumentException>("dW", o => Call(x, w, bias, Labels, o[0], o[1], o[2]), dw - 1, Cols, ws);
        Blames<ArgumentException>("dBias", o => Call(x, w, bias, Labels, o[0], o[1], o[2]), dw, Cols + 1, ws);
        Blames<ArgumentException>("workspace", o => Call(x, w, bias, Labels, o[0], o[1], o[2]), dw, Cols, ws - 1);
    }

    [Fact]
    public void Softmax_loss_with_options_blames_dX_targets_and_class_weights()
    {
        float[] x = Data.Uniform(Rows * Features, 3), w = Data.Uniform(Features * Cols, 4), bias = Data.Uniform(Cols, 5);
        // Enough for either form: class weights alone run fused, smoothing and z-loss composed.
        int ws = Math.Max(SoftmaxLoss.WorkspaceLength(Rows, Features, Cols, ClassifierForm.Composed), SoftmaxLoss.WorkspaceLength(Rows, Features, Cols, ClassifierForm.Fused));
        int dw = Features * Cols, dx = Rows * Features;
        Blames<ArgumentException>("labels", o => SoftmaxLoss.LossAndGradient(x, w, bias, [0, 1, 2], o[0], o[1], o[2], o[3], Rows, Features, Cols,
            default, new CrossEntropyOptions { ZLoss = 1e-4f }), dw, Cols, dx, ws);
        Blames<ArgumentException>("dX", o => SoftmaxLoss.LossAndGradient(x, w, bias, Labels, o[0], o[1], o[2], o[3], Rows, Features, Cols,
            default, new CrossEntropyOptions { ZLoss = 1e-4f }), dw, Cols, dx - 1, ws);
        Blames<ArgumentException>("targets", o => SoftmaxLoss.LossAndGradient(x, w, bias, Data.Uniform(Rows * Cols - 1, 6), o[0], o[1], o[2], o[3],
            Rows, Features, Cols, default, default), dw, Cols, dx, ws);
        Blames<ArgumentException>("crossEntropy.ClassWeights", o => SoftmaxLoss.LossAndGradient(x, w, bias, Labels, o[0], o[1], o[2], o[3],
            Rows, Features, Cols, default, new CrossEntropyOptions { ClassWeights = new float[Cols + 1] }), dw, Cols, dx, ws);
        // Label smoothing runs the composed form, whose workspace (N·C) the fused form's length need not cover.
        int composed = SoftmaxLoss.WorkspaceLength(Rows, Features, Cols, ClassifierForm.Composed);
        Blames<ArgumentException>("workspace", o => SoftmaxLoss.LossAndGradient(x, w, bias, Labels, o[0], o[1], o[2], o[3], Rows, Features, Cols,
            default, new CrossEntropyOptions { LabelSmoothing = 0.1f }), dw, Cols, dx, composed - 1);
    }

    [Fact]
    public void Linear_cross_entropy_blames_the_argument_whose_length_is_wrong()
    {
        float[] x = Data.Uniform(Rows * Features, 3), w = Data.Uniform(Features * Cols, 4), bias = Data.Uniform(Cols, 5);
        int ws = LinearCrossEntropy.WorkspaceLength(Rows, Features, Cols), dw = Features * Cols, dx = Rows * Features;
        float Call(ReadOnlySpan<float> xx, ReadOnlySpan<float> ww, ReadOnlySpan<float> bb, ReadOnlySpan<int> labels, float[][] o) =>
            LinearCrossEntropy.LossAndGradient(xx, ww, WeightLayout.ClassesByInputs, bb, labels, o[0], o[1], o[2], o[3], Rows, Features, Cols, default);
        Blames<ArgumentException>("x", o => Call(x.AsSpan(1), w, bias, Labels, o), dw, Cols, dx, ws);
        Blames<ArgumentException>("w", o => Call(x, w.AsSpan(1), bias, Labels, o), dw, Cols, dx, ws);
        Blames<ArgumentException>("bias", o => Call(x, w, bias.AsSpan(1), Labels, o), dw, Cols, dx, ws);
        Blames<ArgumentException>("labels", o => Call(x, w, bias, [0, 1, 2], o), dw, Cols, dx, ws);
        Blames<ArgumentException>("dW", o => Call(x, w, bias, Labels, o), dw + 1, Cols, dx, ws);
        Blames<ArgumentException>("dBias", o => Call(x, w, bias, Labels, o), dw, Cols - 1, dx, ws);
        Blames<ArgumentException>("dX", o => Call(x, w, bias, Labels, o), dw, Cols, dx - 1, ws);
        Blames<ArgumentException>("workspace", o => Call(x, w, bias, Labels, o), dw, Cols, dx, ws - 1);
    }

    [Fact]
    public void Gemm_blames_a_b_or_c()
    {
        float[] a = Data.Uniform(2 * 3, 1), b = Data.Uniform(3 * 4, 2);
        Blames<ArgumentException>("a", o => Gemm.Multiply(a.AsSpan(1), b, o[0], 2, 4, 3), 8);
        Blames<ArgumentException>("b", o => Gemm.Multiply(a, b.AsSpan(1), o[0], 2, 4, 3), 8);
        Blames<ArgumentException>("c", o => Gemm.Multiply(a, b, o[0], 2, 4, 3), 7);
        Blames<ArgumentException>("a", o => Gemm.Multiply(a.AsSpan(1), 3, Transpose.No, b, 4, Transpose.No, o[0], 4, 2, 4, 3), 8);
        Blames<ArgumentException>("c", o => Gemm.Multiply(a, 3, Transpose.No, b, 4, Transpose.No, o[0], 4, 2, 4, 3), 7);
    }

    [Fact]
    public void Classifier_model_blames_x_labels_predictions_or_scores()
    {
        var model = new SoftmaxClassifier(Features, Cols, WeightInit.SmallGaussian, seed: 1);
        float[] x = Data.Uniform(Rows * Features, 3);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => model.Accuracy(x, [0, 1, 2], Rows)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => model.Train(x, [0, 1, 2], Rows)).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => model.Train(x.AsSpan(1), Labels, Rows)).ParamName);
        Blames<ArgumentException>("x", o => model.Scores(x.AsSpan(1), o[0], Rows), Rows * Cols);
        Blames<ArgumentException>("scores", o => model.Scores(x, o[0], Rows), Rows * Cols - 1);
        Assert.Equal("predictions", Assert.Throws<ArgumentException>(() => model.Predict(x, new int[Rows - 1], Rows)).ParamName);
    }
}
