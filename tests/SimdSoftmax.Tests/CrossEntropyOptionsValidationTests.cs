namespace SimdSoftmax.Tests;

/// <summary>Every rejected option call throws the right exception naming the parameter and writes nothing.</summary>
public class CrossEntropyOptionsValidationTests
{
    private const int N = 4, C = 5, D = 3;
    private readonly float[] _logits = Data.Uniform(N * C, 1, -3f, 3f);
    private readonly int[] _labels = [0, 4, 2, 1];
    private readonly float[] _targets = Data.Uniform(N * C, 2, 0f, 1f);
    private readonly float[] _weights = [1f, 0.5f, 0f, 2f, 1f];
    private readonly float[] _g = Data.Filled(N * C, -7f);
    private readonly float[] _losses = Data.Filled(N, -7f), _lse = Data.Filled(N, -7f);
    private readonly int[] _argmax = [-7, -7, -7, -7];
    private readonly float[] _w = Data.Uniform(D * C, 3), _b = Data.Uniform(C, 4), _x = Data.Uniform(N * D, 5);
    private readonly float[] _dW = Data.Filled(D * C, -7f), _db = Data.Filled(C, -7f), _dX = Data.Filled(N * D, -7f);
    private readonly float[] _ws = Data.Filled(Math.Max(SoftmaxLoss.WorkspaceLength(N, D, C, ClassifierForm.Fused), SoftmaxLoss.WorkspaceLength(N, D, C, ClassifierForm.Composed)), -7f);

    private void Rejects<TException>(string param, Action call, params object[] alsoWatched) where TException : ArgumentException
    {
        object[] watched = [_logits, _labels, _targets, _weights, _g, _losses, _lse, _argmax, _w, _b, _x, _dW, _db, _dX, _ws, .. alsoWatched];
        object[] before = watched.Select(a => ((Array)a).Clone()).ToArray();
        var ex = Assert.Throws<TException>(call);
        Assert.Equal(param, ex.ParamName);
        for (int k = 0; k < watched.Length; k++) Assert.Equal((Array)before[k], (Array)watched[k]);
    }

    private static CrossEntropyOptions O(CrossEntropyReduction r = CrossEntropyReduction.Mean, int? ignore = null, float eps = 0f, float z = 0f) =>
        new() { Reduction = r, IgnoreIndex = ignore, LabelSmoothing = eps, ZLoss = z };

    private CrossEntropyRowOutputs All() => new() { Losses = _losses, LogSumExp = _lse, Argmax = _argmax };

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Cross_entropy_options_are_checked_before_anything_is_written(KernelPath path)
    {
        Paths.Require(path);
        float Hard(CrossEntropyOptions o, float[] weights, int[]? labels = null, int classes = C) =>
            SoftmaxCrossEntropy.LossAndGradient(_logits, labels ?? _labels, _g, classes, o with { ClassWeights = weights }, All(), path);

        Rejects<ArgumentException>("options.ClassWeights", () => Hard(O(), [1f, 1f, 1f, 1f]));
        Rejects<ArgumentOutOfRangeException>("options.ClassWeights", () => Hard(O(), [1f, -1f, 1f, 1f, 1f]));
        Rejects<ArgumentOutOfRangeException>("options.ClassWeights", () => Hard(O(), [1f, float.NaN, 1f, 1f, 1f]));
        Rejects<ArgumentOutOfRangeException>("options.ClassWeights", () => Hard(O(), [1f, 1f, 1f, 1f, float.PositiveInfinity]));
        foreach (float eps in new[] { -0.1f, 1.0001f, float.NaN, float.PositiveInfinity })
            Rejects<ArgumentOutOfRangeException>("options", () => Hard(O(eps: eps), _weights));
        foreach (float z in new[] { -1e-3f, float.NaN, float.PositiveInfinity })
            Rejects<ArgumentOutOfRangeException>("options", () => Hard(O(z: z), _weights));
        Rejects<ArgumentOutOfRangeException>("options", () => Hard(O((CrossEntropyReduction)3), _weights));
        Rejects<ArgumentOutOfRangeException>("labels", () => Hard(O(), _weights, [0, 5, 1, 1]));
        Rejects<ArgumentOutOfRangeException>("labels", () => Hard(O(), _weights, [0, -100, 1, 1]));
        Rejects<ArgumentOutOfRangeException>("labels", () => Hard(O(ignore: -100), _weights, [0, -100, -1, 1]));
        Rejects<ArgumentOutOfRangeException>("cols", () => SoftmaxCrossEntropy.Loss(_logits, _labels, -1, O(), path: path));
        Rejects<ArgumentException>("labels", () => Hard(O(), _weights, classes: 4)); // 20 logits are 5 rows of 4: 4 labels are too few
        Rejects<ArgumentException>("rowOutputs", () => SoftmaxCrossEntropy.LossAndGradient(_logits, _labels, _g, C, O(CrossEntropyReduction.None), path: path));
        Rejects<ArgumentException>("rowOutputs.Losses", () => SoftmaxCrossEntropy.Loss(_logits, _labels, C, O(), new CrossEntropyRowOutputs { Losses = _losses.AsSpan(1) }, path));
        Rejects<ArgumentException>("rowOutputs.LogSumExp", () => SoftmaxCrossEntropy.Loss(_logits, _labels, C, O(), new CrossEntropyRowOutputs { LogSumExp = _lse.AsSpan(1) }, path));
        Rejects<ArgumentException>("rowOutputs.Argmax", () => SoftmaxCrossEntropy.Loss(_logits, _labels, C, O(), new CrossEntropyRowOutputs { Argmax = _argmax.AsSpan(1) }, path));
        Rejects<ArgumentException>("dLogits", () => SoftmaxCrossEntropy.LossAndGradient(_logits, _labels, _g.AsSpan(1), C, O(), path: path));

        // Overlaps: an output partly on the logits, on another output, on the labels or on the weights.
        float[] big = Data.Uniform(N * C + N, 9);
        Rejects<ArgumentException>("dLogits", () => SoftmaxCrossEntropy.LossAndGradient(big.AsSpan(0, N * C), _labels, big.AsSpan(1, N * C), C, O(eps: 0.1f), path: path), big);
        Rejects<ArgumentException>("rowOutputs.Losses", () => SoftmaxCrossEntropy.LossAndGradient(big.AsSpan(0, N * C), _labels, _g, C, O(), new CrossEntropyRowOutputs { Losses = big.AsSpan(N * C - 1, N) }, path), big);
        Rejects<ArgumentException>("rowOutputs.LogSumExp", () => SoftmaxCrossEntropy.LossAndGradient(_logits, _labels, _g, C, O(), new CrossEntropyRowOutputs { LogSumExp = _g.AsSpan(0, N) }, path));
        Rejects<ArgumentException>("rowOutputs.LogSumExp", () => SoftmaxCrossEntropy.Loss(_logits, _labels, C, O(), new CrossEntropyRowOutputs { Losses = big.AsSpan(0, N), LogSumExp = big.AsSpan(2, N) }, path), big);
        int[] labelsAndArgmax = [0, 4, 2, 1, 0, 0, 0];
        Rejects<ArgumentException>("rowOutputs.Argmax", () => SoftmaxCrossEntropy.Loss(_logits, labelsAndArgmax.AsSpan(0, N), C, O(), new CrossEntropyRowOutputs { Argmax = labelsAndArgmax.AsSpan(3, N) }, path), labelsAndArgmax);
        float[] weightsAndG = Data.Filled(N * C + C, 1f);
        Rejects<ArgumentException>("dLogits", () => SoftmaxCrossEntropy.LossAndGradient(_logits, _labels, weightsAndG.AsSpan(C - 1, N * C), C, O() with { ClassWeights = weightsAndG.AsMemory(0, C) }, path: path), weightsAndG);

        // Soft targets: shape and finiteness.
        Rejects<ArgumentException>("logits", () => SoftmaxCrossEntropy.Loss(_logits.AsSpan(1), _targets, C, O(), path: path));
        Rejects<ArgumentException>("targets", () => SoftmaxCrossEntropy.LossAndGradient(_logits, _targets.AsSpan(1), _g, C, O(), path: path));
        float[] badTargets = (float[])_targets.Clone();
        badTargets[7] = float.NaN;
        Rejects<ArgumentException>("targets", () => SoftmaxCrossEntropy.LossAndGradient(_logits, badTargets, _g, C, O() with { ClassWeights = _weights }, All(), path));
        badTargets[7] = float.NegativeInfinity;
        Rejects<ArgumentException>("targets", () => SoftmaxCrossEntropy.Loss(_logits, badTargets, C, O(), path: path));
        Rejects<ArgumentException>("dLogits", () => SoftmaxCrossEntropy.LossAndGradient(_logits, _targets, _targets, C, O(), path: path));
    }

    /// <summary>
    /// With an ignore index or class weights the labels are checked by the pass that counts them for the mean's divisor:
    /// every counting form (vector counts to 16 classes, histograms to 1023, the plain loop above) must find a bad label
    /// anywhere in the batch, also right after an ignored one, and a label equal to C without an ignore index.
    /// </summary>
    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void A_bad_label_in_a_counted_batch_is_found_before_anything_is_written(KernelPath path)
    {
        Paths.Require(path);
        foreach (int classes in new[] { 10, 16, 17, 40, 1100 })
            foreach (int bad in new[] { 0, 9, 37 })
                foreach (int value in new[] { -1, classes, -101, int.MinValue })
                    foreach (bool weighted in new[] { false, true })
                    {
                        const int rows = 38;
                        int[] labels = Enumerable.Range(0, rows).Select(i => i % 5 == 0 ? -100 : i % classes).ToArray();
                        float[] logits = Data.Uniform(rows * classes, 11), g = Data.Filled(rows * classes, -7f);
                        float[] losses = Data.Filled(rows, -7f);
                        var o = new CrossEntropyOptions { IgnoreIndex = weighted ? null : -100, ClassWeights = weighted ? Data.Uniform(classes, 12, 0f, 2f) : default };
                        if (weighted) labels = labels.Select(y => y == -100 ? 1 : y).ToArray();
                        labels[bad] = value;
                        int[] labelsBefore = (int[])labels.Clone();
                        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
                            SoftmaxCrossEntropy.LossAndGradient(logits, labels, g, classes, o, new CrossEntropyRowOutputs { Losses = losses }, path));
                        Assert.Equal("labels", ex.ParamName);
                        Assert.Contains($"labels[{bad}]", ex.Message);
                        Assert.All(g, v => Assert.Equal(-7f, v));
                        Assert.All(losses, v => Assert.Equal(-7f, v));
                        Assert.Equal(labelsBefore, labels);
                    }
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Classifier_options_and_dX_are_checked_before_anything_is_written(KernelPath path)
    {
        Paths.Require(path);
        float Call(CrossEntropyOptions o, float[]? b = null, float[]? db = null, float[]? dX = null, float[]? weights = null,
            int[]? y = null, float[]? ws = null, float reg = 0.1f) =>
            SoftmaxLoss.LossAndGradient(_x, _w, b ?? _b, y ?? _labels, _dW, db ?? _db, dX ?? _dX, ws ?? _ws, N, D, C, new ClassifierOptions { Regularization = reg }, o with { ClassWeights = weights ?? _weights }, All(), path, 1);

        Rejects<ArgumentException>("dX", () => Call(O(), dX: new float[N * D - 1]));
        Rejects<ArgumentException>("dBias", () => Call(O(), b: [], db: _db));
        Rejects<ArgumentException>("bias", () => Call(O(), b: new float[C + 1]));
        // All() asks for lse and argmax, which run the composed form: its N·C floats are what must fit.
        Rejects<ArgumentException>("workspace", () => Call(O(), ws: new float[SoftmaxLoss.WorkspaceLength(N, D, C, ClassifierForm.Composed) - 1]));
        Rejects<ArgumentOutOfRangeException>("crossEntropy.ClassWeights", () => Call(O(), weights: [1f, 1f, -2f, 1f, 1f]));
        Rejects<ArgumentOutOfRangeException>("labels", () => Call(O(ignore: -100), y: [0, 1, -1, 2]));
        Rejects<ArgumentOutOfRangeException>("crossEntropy", () => Call(O(eps: 2f)));
        Rejects<ArgumentOutOfRangeException>("crossEntropy", () => Call(O(z: float.NaN)));
        Rejects<ArgumentOutOfRangeException>("options", () => Call(O(), reg: -1f));
        Rejects<ArgumentException>("rowOutputs", () => SoftmaxLoss.LossAndGradient(_x, _w, _b, _labels, _dW, _db, _dX, _ws, N, D, C, default, O(CrossEntropyReduction.None), default, path, 1));
        float[] xAndDx = Data.Uniform(2 * N * D, 8);
        Rejects<ArgumentException>("dX", () => SoftmaxLoss.LossAndGradient(xAndDx.AsSpan(0, N * D), _w, _b, _labels, _dW, _db, xAndDx.AsSpan(N * D - 1, N * D), _ws, N, D, C, default, O(), default, path, 1), xAndDx);
        float[] dWAndDx = Data.Filled(D * C + N * D, -7f);
        Rejects<ArgumentException>("dX", () => SoftmaxLoss.LossAndGradient(_x, _w, _b, _labels, dWAndDx.AsSpan(0, D * C), _db, dWAndDx.AsSpan(D * C - 2, N * D), _ws, N, D, C, default, O(), default, path, 1), dWAndDx);
        Rejects<ArgumentException>("rowOutputs.Losses", () => SoftmaxLoss.LossAndGradient(_x, _w, _b, _labels, _dW, _db, _dX, _ws, N, D, C, default, O(), new CrossEntropyRowOutputs { Losses = _ws.AsSpan(0, N) }, path, 1));
        Rejects<ArgumentException>("targets", () => SoftmaxLoss.LossAndGradient(_x, _w, _b, _targets.AsSpan(1), _dW, _db, _dX, _ws, N, D, C, default, O(), default, path, 1));
    }
}
