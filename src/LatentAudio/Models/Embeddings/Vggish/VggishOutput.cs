namespace LatentAudio.Models.Embeddings.Vggish;

/// <summary>Which VGGish vector is the embedding.</summary>
public enum VggishOutput
{
    /// <summary>The last Linear layer before its ReLU, no PCA: fadtk's VGGish (microsoft/fadtk@ec74b1f9
    /// fadtk/model_loader.py VGGishModel, use_pca=False, use_activation=False). The default: the FAD convention that
    /// the published fadtk scores and audioldm_eval-style FAD numbers use, and the only one that is not clipped and
    /// quantised (the 8-bit output puts many vectors on the same values).</summary>
    Raw,
    /// <summary>The network's output with the final ReLU (torchvggish with postprocess=False).</summary>
    Activated,
    /// <summary>ReLU, PCA with whitening and 8-bit quantisation (torchvggish's default, the AudioSet release format).</summary>
    Postprocessed,
}
