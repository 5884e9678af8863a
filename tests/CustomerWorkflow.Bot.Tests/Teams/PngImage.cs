using System.Buffers.Binary;
using System.IO.Compression;

namespace CustomerWorkflow.Bot.Tests.Teams;

/// <summary>
/// A PNG decoded to RGBA, enough to check the app's icons (System.Drawing does not run on Linux, and no image package
/// restores here): 8-bit grey, grey+alpha, RGB, RGBA or palette images, not interlaced. Anything else is refused
/// rather than guessed at.
/// </summary>
internal sealed class PngImage
{
    private static readonly byte[] _signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly byte[] _rgba;

    private PngImage(int width, int height, bool hasAlpha, byte[] rgba)
    {
        Width = width;
        Height = height;
        HasAlphaChannel = hasAlpha;
        _rgba = rgba;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>True when the file stores transparency: an alpha channel, or a tRNS chunk.</summary>
    public bool HasAlphaChannel { get; }

    public (byte R, byte G, byte B, byte A) this[int x, int y]
    {
        get
        {
            var i = ((y * Width) + x) * 4;
            return (_rgba[i], _rgba[i + 1], _rgba[i + 2], _rgba[i + 3]);
        }
    }

    public IEnumerable<(byte R, byte G, byte B, byte A)> Pixels()
    {
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                yield return this[x, y];
            }
        }
    }

    public static PngImage Decode(byte[] file)
    {
        if (file.Length < 8 || !file.AsSpan(0, 8).SequenceEqual(_signature))
        {
            throw new InvalidDataException("not a PNG file");
        }

        int width = 0, height = 0, bitDepth = 0, colorType = -1, interlace = 0;
        byte[]? palette = null, transparency = null;
        using var data = new MemoryStream();
        for (var pos = 8; pos + 12 <= file.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(pos));
            var type = System.Text.Encoding.ASCII.GetString(file, pos + 4, 4);
            var body = file.AsSpan(pos + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(body);
                    height = BinaryPrimitives.ReadInt32BigEndian(body[4..]);
                    bitDepth = body[8];
                    colorType = body[9];
                    interlace = body[12];
                    break;
                case "PLTE":
                    palette = body.ToArray();
                    break;
                case "tRNS":
                    transparency = body.ToArray();
                    break;
                case "IDAT":
                    data.Write(body);
                    break;
            }

            pos += 12 + length;
        }

        var channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };
        if (bitDepth != 8 || channels == 0 || interlace != 0)
        {
            throw new NotSupportedException($"PNG with bit depth {bitDepth}, colour type {colorType}, interlace {interlace} is not read by this test helper.");
        }

        data.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(data, CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        var raw = Unfilter(inflated.ToArray(), width, height, channels);
        var rgba = new byte[width * height * 4];
        for (var p = 0; p < width * height; p++)
        {
            var s = raw.AsSpan(p * channels, channels);
            (byte r, byte g, byte b, byte a) = colorType switch
            {
                0 => (s[0], s[0], s[0], (byte)255),
                2 => (s[0], s[1], s[2], (byte)255),
                3 => (palette![s[0] * 3], palette[(s[0] * 3) + 1], palette[(s[0] * 3) + 2], transparency is { } t && s[0] < t.Length ? t[s[0]] : (byte)255),
                4 => (s[0], s[0], s[0], s[1]),
                _ => (s[0], s[1], s[2], s[3]),
            };
            rgba[(p * 4) + 0] = r;
            rgba[(p * 4) + 1] = g;
            rgba[(p * 4) + 2] = b;
            rgba[(p * 4) + 3] = a;
        }

        return new PngImage(width, height, colorType is 4 or 6 || transparency is not null, rgba);
    }

    /// <summary>Undoes the per-row filters (none, sub, up, average, Paeth).</summary>
    private static byte[] Unfilter(byte[] filtered, int width, int height, int bytesPerPixel)
    {
        var stride = width * bytesPerPixel;
        var result = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = filtered[y * (stride + 1)];
            var source = filtered.AsSpan((y * (stride + 1)) + 1, stride);
            var row = result.AsSpan(y * stride, stride);
            var previous = y > 0 ? result.AsSpan((y - 1) * stride, stride) : new byte[stride];
            for (var i = 0; i < stride; i++)
            {
                int left = i >= bytesPerPixel ? row[i - bytesPerPixel] : 0;
                int up = previous[i];
                int upLeft = i >= bytesPerPixel ? previous[i - bytesPerPixel] : 0;
                var predictor = filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"unknown PNG filter {filter}"),
                };
                row[i] = (byte)(source[i] + predictor);
            }
        }

        return result;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
