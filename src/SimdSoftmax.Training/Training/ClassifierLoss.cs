namespace SimdSoftmax;

/// <summary>Which loss <see cref="SoftmaxClassifier.Train"/> minimizes on the linear scores <c>X·W + b</c>.</summary>
public enum ClassifierLoss
{
    /// <summary>Mean softmax cross-entropy (<see cref="SoftmaxLoss"/>).</summary>
    Softmax = 0,
    /// <summary>Mean multiclass hinge loss with margin 1 (<see cref="SvmLoss"/>): the course's linear SVM.</summary>
    Svm = 1,
}
