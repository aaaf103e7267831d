import { describe, expect, it } from "vitest";
import { audioArgs } from "../../src/core/render/audio-args.ts";
import { budgetFor, MIN_VIDEO_KBPS } from "../../src/core/render/encoder.ts";
import { filterValue, num } from "../../src/core/render/filter-escape.ts";
import {
  fadeMask,
  kenBurns,
  kenBurnsExpressions,
  segmentArgs,
  segmentFilterGraph,
  workingSize,
} from "../../src/core/render/filter-graph.ts";
import { gradeFilters } from "../../src/core/render/grade.ts";
import { planRender, STYLES } from "../../src/core/render/index.ts";
import { muxArgs, posterSegment } from "../../src/core/render/mux.ts";
import { planSegments, SLIDES_PER_SEGMENT, TIMELINE_BASE_SECONDS } from "../../src/core/render/segments.ts";
import { fakePhoto, scriptFor } from "./fixtures.ts";

const photos = Array.from({ length: 10 }, (_, i) =>
  fakePhoto(`p${i}`, i % 2 ? 2304 : 3072, i % 2 ? 3072 : 2304, { x: 0.3, y: 0.4 }),
);
const options = { aspect: "16:9" as const, resolution: 720 as const };
const textImage = (slide: number, text: number) => `/work/text-${slide}-${text}.png`;
const files = { textImage, output: "/work/segment.mp4" };

describe("planSegments", () => {
  it.each([3, 10, 100])("covers every frame once and cuts only inside holds (%i photos)", (count) => {
    const many = Array.from({ length: count }, (_, i) => fakePhoto(`p${i}`, 3072, 2304));
    const plan = planRender(many, scriptFor(many, { closing: "Bye" }), "classic", options);
    const segments = planSegments(plan);
    expect(segments.reduce((s, seg) => s + seg.frames, 0)).toBe(plan.totalFrames);
    segments.forEach((seg, i) => {
      expect(seg.startFrame).toBe(
        i === 0 ? 0 : (segments[i - 1]?.startFrame ?? 0) + (segments[i - 1]?.frames ?? 0),
      );
      // Flat memory: a segment never holds more than a few slides, however many photos there are.
      expect(seg.slides.length).toBeLessThanOrEqual(SLIDES_PER_SEGMENT + 1);
      // No transition is split: each cut is in a hold, so the first piece of a segment has no partner before it.
      for (const transition of plan.slides.map((s) => [
        s.startFrame + s.frames - (s.transitionOut?.frames ?? 0),
        s.startFrame + s.frames,
      ])) {
        const [from, to] = transition as [number, number];
        expect(seg.startFrame > from && seg.startFrame < to).toBe(false);
      }
    });
    if (count === 100) expect(segments.length).toBeGreaterThan(20);
  });
});

describe("segment arguments", () => {
  const plan = planRender(photos, scriptFor(photos, { captions: { p1: "Hello" } }), "modern", options);
  const segments = planSegments(plan);

  it("decodes a photo two pieces show once and splits it (the title card and the first slide)", () => {
    const classic = planRender(photos, scriptFor(photos), "classic", options);
    const shared = planSegments(classic).find((seg) => {
      const paths = seg.slides.map((p) => classic.slides[p.slideIndex]?.sourcePath);
      return new Set(paths).size < paths.length;
    });
    if (!shared) throw new Error("expected a segment with the title card and the first slide");
    const args = segmentArgs(classic, shared, files, { maxrateKbps: null });
    const inputs = args.flatMap((a, i) => (args[i - 1] === "-i" ? [a] : []));
    expect(inputs.filter((path) => path.endsWith(".jpg"))).toHaveLength(shared.slides.length - 1);
    const graph = args[args.indexOf("-filter_complex") + 1] ?? "";
    expect(graph).toMatch(/^\[0:v\]split=2\[in0\]\[in1\];/);
    expect(graph).toContain("[in0]crop=");
    expect(graph).toContain("[in1]crop=");
    expect(graph).not.toMatch(/\[1:v\]crop=/); // input 1 is the title's text image, not the photo again
  });

  it("blurs a whole photo's fill on a copy 1/8 the size, once per still, before the motion loops", () => {
    const portrait = [fakePhoto("p1", 2304, 3072)];
    const classic = planRender(portrait, scriptFor(portrait), "classic", {
      aspect: "16:9",
      resolution: 1080,
    });
    const index = classic.slides.findIndex((s) => s.kind === "photo");
    const slide = classic.slides[index];
    const segment = planSegments(classic).find((seg) => seg.slides.some((p) => p.slideIndex === index));
    if (!slide?.fit || !segment) throw new Error("expected the portrait to be shown whole");
    const graph = segmentFilterGraph(classic, segment);
    const small = `${Math.round(slide.fit.canvas.width / 16) * 2}:${Math.round(slide.fit.canvas.height / 16) * 2}`;
    expect(graph).toContain(`scale=${small}:flags=area,format=yuv420p,gblur=`);
    // The composed still is made before the loop: blur and overlay never run per frame.
    const fill = graph.indexOf(`[fit${index}a]`);
    expect(fill).toBeGreaterThanOrEqual(0);
    expect(graph.indexOf("gblur", fill)).toBeLessThan(graph.indexOf("loop=", fill));
    expect(graph.indexOf("overlay", fill)).toBeLessThan(graph.indexOf("loop=", fill));
  });

  it("reads both photos of a modern pair as inputs of the pair's segment, each once", () => {
    const portraits = [fakePhoto("p1", 2304, 3072), fakePhoto("p2", 2304, 3072)];
    const modern = planRender(portraits, scriptFor(portraits), "modern", options);
    const index = modern.slides.findIndex((s) => s.kind === "photo");
    expect(modern.slides[index]?.fit?.pair?.photoId).toBe("p2");
    for (const segment of planSegments(modern).filter((seg) =>
      seg.slides.some((p) => p.slideIndex === index),
    )) {
      const args = segmentArgs(modern, segment, files, { maxrateKbps: null });
      const inputs = args.flatMap((a, i) => (a === "-i" ? [args[i + 1]] : []));
      expect(inputs).toContain("/photos/p2.jpg");
      expect(new Set(inputs).size).toBe(inputs.length);
    }
  });

  it("encodes H.264 High, yuv420p, 30 fps with the exact frame count, one input per photo", () => {
    const seg = segments[1];
    if (!seg) throw new Error("expected two segments");
    const args = segmentArgs(plan, seg, files, { maxrateKbps: null });
    const at = (flag: string) => args[args.indexOf(flag) + 1];
    expect(at("-c:v")).toBe("libx264");
    expect(at("-profile:v")).toBe("high");
    expect(at("-pix_fmt")).toBe("yuv420p");
    expect(at("-r")).toBe("30");
    expect(at("-frames:v")).toBe(String(seg.frames));
    expect(at("-filter_complex_threads")).toBe("1"); // two processes fill the cores; no slice-thread pool
    expect(args.indexOf("-filter_complex_threads")).toBeLessThan(args.indexOf("-i"));
    const paths = new Set(seg.slides.map((p) => plan.slides[p.slideIndex]?.sourcePath));
    const texts = seg.slides.reduce((n, p) => n + (plan.slides[p.slideIndex]?.texts.length ?? 0), 0);
    expect(args.filter((a) => a === "-i")).toHaveLength(paths.size + texts);
    expect(args).not.toContain("-loop"); // each photo is decoded once, then looped inside the graph
    // … and not decoded a first time just to probe it.
    args.forEach((a, i) => {
      if (a === "-i") expect(args[i - 1]).toBe("-nofind_stream_info");
    });
    expect(args).not.toContain("-maxrate");
    // MPEG-TS on the memory's timeline (lifted so no timestamp is negative): appended segments form one stream.
    expect(at("-f")).toBe("mpegts");
    expect(Number(at("-output_ts_offset"))).toBeCloseTo(TIMELINE_BASE_SECONDS + seg.startFrame / 30, 5);
    expect(at("-muxdelay")).toBe("0");
    expect(segmentArgs(plan, seg, files, { maxrateKbps: 900 })).toEqual(
      expect.arrayContaining(["-maxrate", "900k"]),
    );
  });

  it("chains xfade with the style's transitions at the slides' local start times", () => {
    const seg = segments[0];
    if (!seg) throw new Error("expected a segment");
    const graph = segmentFilterGraph(plan, seg);
    const xfades = [...graph.matchAll(/xfade=transition=(\w+):duration=([\d.]+):offset=([\d.]+)/g)];
    expect(xfades).toHaveLength(seg.slides.length - 1);
    xfades.forEach((m, k) => {
      const piece = seg.slides[k + 1];
      const before = plan.slides[(piece?.slideIndex ?? 0) - 1];
      expect(m[1]).toBe(before?.transitionOut?.kind);
      expect(Number(m[3])).toBeCloseTo((piece?.localStart ?? 0) / 30, 3);
      expect(STYLES.modern.transitions).toContain(m[1]);
    });
    expect(graph).toMatch(/\[v\]$/);
  });

  it("cross-fades classic slides by merging the previous photo's last frames under a falling mask, not xfade", () => {
    const classic = planRender(photos, scriptFor(photos), "classic", options);
    const seg = planSegments(classic).find((s) => s.slides.length > 1);
    if (!seg) throw new Error("expected a segment with a transition");
    const graph = segmentFilterGraph(classic, seg);
    expect(graph).not.toContain("xfade");
    const before = classic.slides[(seg.slides[1]?.slideIndex ?? 1) - 1];
    const d = before?.transitionOut?.frames ?? 0;
    expect(graph).toContain(fadeMask(classic, d));
    // The merge stops with the overlap: afterwards the new photo passes through untouched.
    expect(graph).toContain(`maskedmerge=enable='lt(n,${d})'`);
    // No falling-alpha overlay: the only overlays draw text images (inputs after the photos, labels tx…).
    for (const m of graph.matchAll(/\[(\w+)\]overlay=/g)) expect(m[1]).toMatch(/^tx\d+u\d+$/);
    expect(graph).toMatch(new RegExp(`concat=n=${seg.slides.length}:v=1:a=0\\[x\\]`));
    // The main parts add up to the segment; each tail (the part under the fade) is one transition long.
    const trims = [...graph.matchAll(/trim=end_frame=(\d+)[^;]*?\[(m|t)(\d+)\]/g)];
    const mains = trims.filter((m) => m[2] === "m").reduce((sum, m) => sum + Number(m[1]), 0);
    expect(mains).toBe(seg.frames);
    expect(trims.filter((m) => m[2] === "t").map((m) => Number(m[1]))).toEqual(
      Array(seg.slides.length - 1).fill(d),
    );
    // Each photo's graded still is made once, even when two chains move over it.
    expect(graph.match(/crop=\d+:\d+:\d+:\d+/g)).toHaveLength(seg.slides.length);
    expect(graph).toMatch(/\[v\]$/);
  });

  it("overlays each text block from its own image: once on a card's still, on every frame of a moving photo", () => {
    const caption = "It's 100%: [x], y;z\\ 'quoted'";
    const withCaption = planRender(
      photos,
      scriptFor(photos, { captions: { p0: caption } }),
      "classic",
      options,
    );
    const seg = planSegments(withCaption).find((s) => s.slides.length === 2 && s.slides[0]?.slideIndex === 0);
    if (!seg) throw new Error("expected a segment with the title card and the first photo");
    const args = segmentArgs(withCaption, seg, files, { maxrateKbps: null });
    const inputs = args.flatMap((a, i) => (args[i - 1] === "-i" ? [a] : []));
    // One photo (the title card shows the first photo), then the title's and the caption's images.
    expect(inputs).toEqual(["/photos/p0.jpg", "/work/text-0-0.png", "/work/text-1-0.png"]);
    const graph = args[args.indexOf("-filter_complex") + 1] ?? "";
    // The words never enter the graph: nothing in a caption can break it.
    expect(graph).not.toContain("100%");
    expect(graph).toContain("[1:v]format=yuva420p,split=1[tx1u0]");
    expect(graph).toContain("[2:v]format=yuva420p,split=1[tx2u0]");
    const chains = graph.split(";");
    // The card's text is drawn on the still, before the still is split and looped: once, not per frame.
    const titleOverlay = chains.find((c) => c.startsWith("[c0u0][tx1u0]overlay=")) ?? "";
    expect(titleOverlay).toMatch(/eval=init:format=yuv420,split\[sm0\]\[st0\]$/);
    expect(chains.filter((c) => /^\[s[mt]0\]loop=/.test(c))).toHaveLength(2);
    // The caption is drawn after the motion (crop=…:exact=1), so it stays put while the photo moves.
    const captionOverlay = chains.find((c) => c.includes("[tx2u0]overlay=")) ?? "";
    const before = chains[chains.indexOf(captionOverlay) - 1] ?? "";
    expect(before).toMatch(/exact=1,setsar=1\[\w+\]$/);
    const block = withCaption.slides[1]?.texts[0];
    expect(captionOverlay).toContain(`min(${block?.maxBottom}-h,${block?.centerY}-h/2)`);
    // Where the moving photo fades out, its main part and its tail (under the fade) both carry the caption.
    const next = planSegments(withCaption).find(
      (s) => s.slides[0]?.slideIndex === 1 && s.slides.length === 2,
    );
    if (!next) throw new Error("expected a segment with the first photo's fade");
    const nextGraph = segmentFilterGraph(withCaption, next);
    expect(nextGraph).toMatch(/\[\d+:v\]format=yuva420p,split=2\[(tx\d+u0)\]\[(tx\d+u1)\]/);
    expect(nextGraph.match(/\[tx\d+u\d\]overlay=/g)).toHaveLength(2);
  });

  it("escapes paths with filter-graph special characters", () => {
    expect(filterValue("/tmp/a b/it's: [x], y;z\\")).toBe(
      "/tmp/a b/it\\\\\\'s\\\\: \\[x\\]\\, y\\;z\\\\\\\\",
    );
  });

  it("continues the Ken Burns motion seamlessly across a segment cut", () => {
    const slide = plan.slides[2];
    if (!slide) throw new Error("expected a slide");
    const evaluate = (expr: string, n: number) =>
      // The expressions only use numbers, parentheses, + - * /, floor, min, max and `n`.
      Function("n", "floor", "min", "max", `return ${expr};`)(n, Math.floor, Math.min, Math.max) as number;
    const whole = kenBurnsExpressions(plan, slide, { offsetFrames: 0 });
    const tail = kenBurnsExpressions(plan, slide, { offsetFrames: 40 });
    for (const frame of [40, 41, 70]) {
      for (const key of ["w", "h", "x", "y"] as const)
        expect(evaluate(tail[key], frame - 40)).toBe(evaluate(whole[key], frame));
    }
    expect(kenBurns(plan, slide, { offsetFrames: 0 })).toContain(`crop=${plan.width}:${plan.height}:`);
  });

  it.each([720, 1080] as const)(
    "scales each moving still once so that every frame is a downscale of it, cropped inside it (%ip)",
    (resolution) => {
      const small = [fakePhoto("s0", 1200, 900), fakePhoto("s1", 3072, 2304), fakePhoto("s2", 2304, 3072)];
      const p = planRender(small, scriptFor(small), "classic", { aspect: "16:9", resolution });
      const evaluate = (expr: string, n: number) =>
        Function("n", "floor", "min", "max", `return ${expr};`)(n, Math.floor, Math.min, Math.max) as number;
      for (const slide of p.slides.filter((s) => s.kind === "photo")) {
        const size = workingSize(p, slide);
        expect(size.width / size.height).toBeCloseTo(p.width / p.height, 2);
        const k = kenBurnsExpressions(p, slide, { offsetFrames: 0 });
        for (const n of [0, Math.floor(slide.frames / 2), slide.frames - 1]) {
          const [w, h, x, y] = [k.w, k.h, k.x, k.y].map((e) => evaluate(e, n)) as [
            number,
            number,
            number,
            number,
          ];
          // Between the frame itself and the still: never upscaled, always big enough to crop the frame from.
          expect(w).toBeGreaterThanOrEqual(p.width);
          expect(w).toBeLessThanOrEqual(size.width + 1);
          expect(h).toBeGreaterThanOrEqual(p.height);
          expect(h).toBeLessThanOrEqual(size.height + 1);
          expect(x).toBeGreaterThanOrEqual(0);
          expect(y).toBeGreaterThanOrEqual(0);
          expect(x + p.width).toBeLessThanOrEqual(w);
          expect(y + p.height).toBeLessThanOrEqual(h);
        }
        // The tightest crop of the motion is the still itself, at 1:1 (within its rounding to even pixels).
        const ends = [0, slide.frames - 1].map((n) => evaluate(k.w, n));
        expect(Math.max(...ends)).toBeGreaterThanOrEqual(size.width - 2);
      }
    },
  );

  it("grades the limited-range still exactly as the full-range grade would", () => {
    const grade = {
      contrast: 1.2,
      saturation: 0.8,
      brightness: 1,
      tint: [1, 1, 1] as [number, number, number],
      sepia: 0,
    };
    const lut = gradeFilters(grade).join(",");
    const [, g, o, lo, hi] = /y=clip\(val\*([\d.]+)\+(-?[\d.]+)\\,(\d+)\\,(\d+)\)/.exec(lut) ?? [];
    expect([lo, hi]).toEqual(["16", "235"]);
    for (const full of [0, 64, 128, 200, 255]) {
      const limited = 16 + (full * 219) / 255;
      const expected = 16 + (Math.min(255, Math.max(0, 1.2 * full + 128 * (1 - 1.2))) * 219) / 255;
      const got = Math.min(235, Math.max(16, Number(g) * limited + Number(o)));
      expect(Math.abs(got - expected)).toBeLessThan(0.05);
    }
    expect(lut).toMatch(/u=clip\(128\+\(val-128\)\*0\.8\+0\\,16\\,240\)/);
  });

  it("grades vintage with sepia and cinematic with contrast; classic stays neutral", () => {
    expect(gradeFilters(STYLES.classic.grade)).toEqual([]);
    const chroma = (filters: string[], plane: "u" | "v") =>
      Number(
        new RegExp(`${plane}=clip\\(128\\+\\(val-128\\)\\*([\\d.]+)\\+(-?[\\d.]+)`).exec(
          filters.join(","),
        )?.[2],
      );
    const vintageGrade = gradeFilters(STYLES.vintage.grade);
    expect(chroma(vintageGrade, "u")).toBeLessThan(-5); // less blue …
    expect(chroma(vintageGrade, "v")).toBeGreaterThan(5); // … more red: warm sepia
    expect(gradeFilters(STYLES.cinematic.grade).join(",")).toMatch(/y=clip\(val\*1\.1[0-9]*\+-2[0-9.]+/); // contrast
    expect(gradeFilters(STYLES.classic.grade, 0.5).join(",")).toContain("y=clip(val*0.5+8\\,16\\,235)"); // dimmed card, limited range
    const vintage = planRender(photos, scriptFor(photos), "vintage", options);
    const graph = segmentFilterGraph(
      vintage,
      planSegments(vintage)[0] ?? { index: 0, startFrame: 0, frames: 0, slides: [] },
    );
    // The vignette is computed once into a mask and merged (SIMD) over every frame, not run per frame.
    expect(graph).toContain(
      `vignette=angle=${vintage.vignetteAngle?.toFixed(4).replace(/0+$/, "")}:eval=init:dither=0`,
    );
    expect(graph).toContain("[unlit][dark][vmask]maskedmerge[lit]");
    // … at a quarter of the frame size, scaled up once (smooth: bicubic).
    const maskChain = graph.split(";").find((c) => c.endsWith("[vmask]")) ?? "";
    expect(maskChain).toContain(
      `s=${Math.round(vintage.width / 8) * 2}x${Math.round(vintage.height / 8) * 2}:`,
    );
    expect(maskChain).toContain(`scale=${vintage.width}:${vintage.height}:flags=bicubic`);
    expect(graph).toContain("noise=");
    const cinematic = planRender(photos, scriptFor(photos), "cinematic", options);
    const cGraph = segmentFilterGraph(
      cinematic,
      planSegments(cinematic)[0] ?? { index: 0, startFrame: 0, frames: 0, slides: [] },
    );
    expect(cGraph).toContain(`drawbox=x=0:y=0:w=iw:h=${cinematic.letterboxPx}:color=black:t=fill`);
  });
});

describe("mux and size budget", () => {
  const plan = planRender(photos, scriptFor(photos), "classic", options);

  it("encodes silence as AAC of exactly the video's length", () => {
    const silent = planRender(photos, scriptFor(photos), "classic", { ...options, silent: true });
    const args = audioArgs(silent, null, "/work/audio.m4a", 128);
    expect(args.join(" ")).toContain("anullsrc");
    expect(args).toEqual(expect.arrayContaining(["-c:a", "aac", "-b:a", "128k", "-vn"]));
    expect(args[args.indexOf("-t") + 1]).toBe(silent.durationSeconds.toFixed(3).replace(/\.?0+$/, ""));
  });

  it("loops the user's music at the soundtrack loudness, trims it to the video and fades it out", () => {
    const withMusic = planRender(photos, scriptFor(photos), "classic", {
      ...options,
      musicPath: "/m/song.mp3",
    });
    const args = audioArgs(withMusic, "/m/song.mp3", "/work/audio.m4a", 96);
    // Looped, and read for at most the video plus a minute (a file that is all silence ends instead of looping on).
    expect(args.slice(0, 6)).toEqual([
      "-stream_loop",
      "-1",
      "-t",
      num(withMusic.durationSeconds + 60, 3),
      "-i",
      "/m/song.mp3",
    ]);
    const graph = args[args.indexOf("-filter_complex") + 1] ?? "";
    expect(graph).toContain("loudnorm=I=-16:");
    expect(graph).toContain(`atrim=0:${withMusic.durationSeconds.toFixed(3).replace(/\.?0+$/, "")}`);
    expect(graph).toMatch(/afade=t=out:st=[\d.]+:d=[\d.]+/);
  });

  it("joins segments and soundtrack without re-encoding and makes the file faststart", () => {
    const args = muxArgs(plan, "/work/video.mpegts", "/work/audio.m4a", "/work/out.mp4");
    expect(args).toEqual(expect.arrayContaining(["-c", "copy", "-movflags", "+faststart"]));
    expect(args).not.toContain("libx264");
    expect(args).not.toContain("aac");
    expect(args.slice(0, 6)).toEqual(["-f", "mpegts", "-i", "/work/video.mpegts", "-i", "/work/audio.m4a"]);
  });

  it("has the segment holding the middle of the title card write the poster from its own output", () => {
    const segments = planSegments(plan);
    const holder = posterSegment(plan, segments);
    if (!holder) throw new Error("expected a poster segment");
    expect(plan.posterFrame).toBeGreaterThanOrEqual(holder.startFrame);
    expect(plan.posterFrame).toBeLessThan(holder.startFrame + holder.frames);
    const args = segmentArgs(plan, holder, { ...files, poster: "/work/poster.jpg" }, { maxrateKbps: null });
    const graph = args[args.indexOf("-filter_complex") + 1] ?? "";
    const local = plan.posterFrame - holder.startFrame;
    // trim ends the poster branch after its frame, so split stops feeding it (select would queue every later frame).
    expect(graph).toContain(`[pick]trim=start_frame=${local}:end_frame=${local + 1}[poster]`);
    expect(args.slice(args.indexOf("[poster]") - 1)).toEqual(
      expect.arrayContaining(["-frames:v", "1", "-f", "image2", "/work/poster.jpg"]),
    );
    // Any other segment refuses: it does not hold the frame.
    const other = segments.find((s) => s !== holder);
    if (!other) throw new Error("expected two segments");
    expect(() => segmentArgs(plan, other, { ...files, poster: "/p.jpg" }, { maxrateKbps: null })).toThrow(
      RangeError,
    );
  });

  it("chooses bitrates that fit the limit, and gives up when even the minimum cannot fit", () => {
    const tenMiB = 10 * 1024 * 1024;
    const budget = budgetFor(tenMiB, 60, 5);
    if (!budget) throw new Error("60 s must fit in 10 MiB");
    const bits = (budget.videoKbps * (60 + 5) + budget.audioKbps * 60) * 1000;
    expect(bits / 8).toBeLessThanOrEqual(tenMiB);
    expect(budget.videoKbps).toBeGreaterThan(1000);
    expect(budgetFor(100_000, 60, 5)).toBeNull();
    const tight = budgetFor(600_000, 12, 1);
    expect(tight?.videoKbps ?? 0).toBeGreaterThanOrEqual(MIN_VIDEO_KBPS);
  });
});
