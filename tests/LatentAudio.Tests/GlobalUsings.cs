global using LatentAudio.Engine;
global using LatentAudio.Models;
global using LatentAudio.Models.AudioLdm;
