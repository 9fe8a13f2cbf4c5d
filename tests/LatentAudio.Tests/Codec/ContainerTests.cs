using LatentAudio.Audio;
using LatentAudio.Codec;
using LatentAudio.Codec.Container;
using LatentAudio.Codec.Quantisation;

namespace LatentAudio.Tests.Codec;

public class ContainerTests
{
    /// <summary>A 25 s mono file (3 windows) made with the fake VAE.</summary>
    private static (byte[] File, BitrateReport Report) MakeFile(ModelIdentity? model = null, double seconds = 25)
    {
        var codec = new LatentCodec(new FakeAutoencoder(), model ?? CodecTestData.ModelA, new FakeFrontEnd());
        using var ms = new MemoryStream();
        var report = codec.Encode(CodecTestData.Tone(seconds), ms, new LatentCodecOptions(QuantiserSettings.FixedStep(0.05)));
        return (ms.ToArray(), report);
    }

    private static InvalidInputException Decode(byte[] file, ModelIdentity? model = null)
    {
        var codec = new LatentCodec(new FakeAutoencoder(), model ?? CodecTestData.ModelA, new FakeFrontEnd());
        return Assert.Throws<InvalidInputException>(() => codec.DecodeMel(new MemoryStream(file), "bad.lat"));
    }

    private static int HeaderEnd(byte[] file) => LatentFileFormat.PreambleBytes + BitConverter.ToInt32(file, 10) + 4;

    [Fact]
    public void HeaderFieldsSurvive()
    {
        var (file, report) = MakeFile();
        var h = LatentFileReader.Open(new MemoryStream(file), "x").Header;
        Assert.Equal("test/fake-vae", h.Model.Id);
        Assert.Equal("0123abcd", h.Model.Revision);
        Assert.Equal(CodecTestData.ModelA.WeightsSha256, h.Model.WeightsSha256);
        Assert.Equal(16000, h.SampleRate);
        Assert.Equal(1, h.InputChannels);
        Assert.Equal(ChannelMode.Mix, h.Channels);
        Assert.Equal(25 * 16000, h.SampleLength);
        Assert.Single(h.Streams);
        Assert.True(h.Streams[0].Scale > 0);
        Assert.Equal((160, 64, 8, 4), (h.HopLength, h.MelBins, h.LatentChannels, h.Downsample));
        Assert.Equal(2500, h.MelFrames); // ceil(400000/160), a multiple of 4
        Assert.Equal((1024, 128), (h.WindowMelFrames, h.OverlapMelFrames));
        Assert.Equal((StepMode.Fixed, 0.05f, 16), (h.StepMode, h.StepValue, h.PrecisionBits));
        Assert.Equal(file.Length, report.FileBytes);
        Assert.Equal(3, h.Plan().Windows.Count);
    }

    [Fact]
    public void WrongMagicIsNamed()
    {
        var (file, _) = MakeFile();
        file[1] = (byte)'X';
        Assert.Contains("bad magic", Decode(file).Message);
        Assert.Contains("bad magic", Decode("RIFF....WAVEfmt "u8.ToArray()).Message);
    }

    [Fact]
    public void FutureVersionIsNamed()
    {
        var (file, _) = MakeFile();
        file[8] = (byte)(LatentFileFormat.Version + 1);
        var e = Decode(file);
        Assert.Contains($"format version {LatentFileFormat.Version + 1} is newer", e.Message);
    }

    [Fact]
    public void BitFlipsInTheHeaderAreHeaderCorruption()
    {
        var (file, _) = MakeFile();
        int end = HeaderEnd(file);
        for (int pos = LatentFileFormat.PreambleBytes; pos < end; pos += 7)
        {
            var bad = (byte[])file.Clone();
            bad[pos] ^= 0x10;
            Assert.Contains("header is corrupt", Decode(bad).Message);
        }
    }

    [Fact]
    public void BitFlipsInThePayloadAreChunkCorruption()
    {
        var (file, _) = MakeFile();
        int start = HeaderEnd(file);
        var rng = new Random(5);
        for (int k = 0; k < 40; k++)
        {
            var bad = (byte[])file.Clone();
            // skip the 5 framing bytes of the first chunk (a flipped length reads as truncation, tested below)
            int pos = rng.Next(start + 5, file.Length - 20);
            bad[pos] ^= (byte)(1 << rng.Next(8));
            var msg = Decode(bad).Message;
            Assert.True(msg.Contains("is corrupt") || msg.Contains("truncated or corrupt"), msg);
            Assert.StartsWith("bad.lat: ", msg);
        }
    }

    [Fact]
    public void TruncationAtEveryEighthIsNamed()
    {
        var (file, _) = MakeFile();
        for (int k = 0; k < 8; k++)
        {
            int len = (int)((long)file.Length * k / 8);
            var msg = Decode(file[..len]).Message;
            Assert.Contains("truncated", msg);
        }
        Assert.Contains("truncated", Decode(file[..^1]).Message);
    }

    [Fact]
    public void TruncationIsAlsoFoundOnUnseekableStreams()
    {
        var (file, _) = MakeFile();
        var codec = new LatentCodec(new FakeAutoencoder(), CodecTestData.ModelA, new FakeFrontEnd());
        var e = Assert.Throws<InvalidInputException>(() => codec.DecodeMel(new ForwardOnlyStream(file[..(file.Length * 5 / 8)]), "pipe"));
        Assert.Contains("truncated", e.Message);
        var ok = codec.DecodeMel(new ForwardOnlyStream(file), "pipe");
        Assert.Equal(2500, ok.Mels[0].Shape[0]);
    }

    [Fact]
    public void TrailingGarbageIsRefused()
    {
        var (file, _) = MakeFile();
        Assert.Contains("after the end chunk", Decode([.. file, 0]).Message);
    }

    [Fact]
    public void OtherModelIsRefusedNamingBoth()
    {
        var (file, _) = MakeFile(CodecTestData.ModelA);
        var msg = Decode(file, CodecTestData.ModelB).Message;
        Assert.Contains("test/fake-vae@0123abcd", msg);
        Assert.Contains("other/vae", msg);
        Assert.Contains("encoded with model", msg);
    }

    [Fact]
    public void HugeLengthFieldsDoNotAllocate()
    {
        var (file, _) = MakeFile();
        var bad = (byte[])file.Clone();
        BitConverter.GetBytes(uint.MaxValue).CopyTo(bad, 10); // header length
        Assert.Contains("header is corrupt", Decode(bad).Message);
        bad = (byte[])file.Clone();
        BitConverter.GetBytes(0x7FFFFFF0u).CopyTo(bad, HeaderEnd(file) + 1); // first chunk length
        Assert.Contains("declares", Decode(bad).Message);
    }

    [Fact]
    public void RandomGarbageNeverEscapesAsAnotherException()
    {
        var (file, _) = MakeFile(seconds: 3);
        var rng = new Random(11);
        for (int k = 0; k < 200; k++)
        {
            var bad = (byte[])file.Clone();
            int flips = rng.Next(1, 6);
            for (int f = 0; f < flips; f++) bad[rng.Next(bad.Length)] = (byte)rng.Next(256);
            var codec = new LatentCodec(new FakeAutoencoder(), CodecTestData.ModelA, new FakeFrontEnd());
            try { codec.DecodeMel(new MemoryStream(bad), "fuzz.lat"); }
            catch (InvalidInputException) { }
        }
    }

    internal sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 3));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
