using LatentAudio.Metrics.Visqol;

namespace LatentAudio.Tests.Visqol;

public class SvrModelTests
{
    [Fact]
    public void EmbeddedModelLoads()
    {
        var model = SvrModel.LoadDefault();
        Assert.Equal(317, model.SupportVectorCount);
        Assert.Equal(32, model.Features);
        Assert.Equal(0.01, model.Gamma);
        // fvnsim of all ones is the identity case: upstream kConformanceCastanetsIdentity.
        Assert.Equal(4.732101253042348, model.Predict(Enumerable.Repeat(1.0, 32).ToArray()), 12);
    }

    [Theory]
    [InlineData("svm_type c_svc\nkernel_type rbf\ngamma 0.1\nrho 0\ntotal_sv 0\nSV\n")]
    [InlineData("svm_type nu_svr\nkernel_type linear\ngamma 0.1\nrho 0\ntotal_sv 0\nSV\n")]
    [InlineData("svm_type nu_svr\nkernel_type rbf\ngamma x\nrho 0\ntotal_sv 1\nSV\n1 1:0\n")]
    [InlineData("svm_type nu_svr\nkernel_type rbf\ngamma 0.1\nrho 0\ntotal_sv 2\nSV\n1 1:0\n")]
    [InlineData("svm_type nu_svr\nkernel_type rbf\ngamma 0.1\nrho 0\ntotal_sv 1\nSV\n1 0:5\n")]
    [InlineData("svm_type nu_svr\nkernel_type rbf\ngamma 0.1\nrho 0\ntotal_sv 1\n")]
    [InlineData("")]
    public void MalformedModelsAreRejected(string text)
    {
        var e = Assert.Throws<InvalidInputException>(() => SvrModel.Parse(new StringReader(text), "bad.model"));
        Assert.StartsWith("bad.model:", e.Message);
    }

    [Fact]
    public void PredictionIsTheRbfExpansion()
    {
        var model = SvrModel.Parse(new StringReader("svm_type nu_svr\nkernel_type rbf\ngamma 0.5\nnr_class 2\ntotal_sv 2\nrho 0.25\nSV\n2 1:1 2:0\n-1 2:1\n"), "m");
        double x0 = 0.5, x1 = 0.25;
        double expected = 2 * Math.Exp(-0.5 * ((x0 - 1) * (x0 - 1) + x1 * x1)) - Math.Exp(-0.5 * (x0 * x0 + (x1 - 1) * (x1 - 1))) - 0.25;
        Assert.Equal(expected, model.Predict([x0, x1]), 14);
    }
}
