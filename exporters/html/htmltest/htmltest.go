// Package htmltest writes a small deck that exercises what the printable
// formats must get right, for the tests of the html and pdf exporters.
package htmltest

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/exporters"
	"github.com/cardgen/cardgen/exporters/render"
)

// Questions are the question texts of the deck's basic cards, in set order.
var Questions = []string{
	"BatchNorm 的参数 $\\gamma$ 和 $\\beta$ 有什么用?",
	"写出 Softmax 交叉熵对 logits 的梯度。",
	"旋转矩形框之间的 IoU 怎么计算?",
	"ROIAlign 的实现要注意什么?",
	"这张图说明了什么?",
}

// QuestionText are the questions' words as a PDF shows them (no Markdown, no math).
var QuestionText = []string{
	"有什么用?",
	"写出 Softmax 交叉熵对 logits 的梯度。",
	"旋转矩形框之间的 IoU 怎么计算?",
	"ROIAlign 的实现要注意什么?",
	"这张图说明了什么?",
}

// IDs are the ids of every card, in set order.
var IDs = []string{"batchnorm-params", "softmax-gradient", "unsupported-math", "rotated-iou", "roialign-code", "figure", "cloze-card"}

// UnsupportedID is the card whose formula the converter does not support.
const UnsupportedID = "unsupported-math"

// PNG is a 1×1 image, the deck's only media file.
var PNG, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")

const config = `[deck]
id = "print-test"
namespace = "print-test"
name = "打印测试"
description = "检查 HTML 与 PDF 输出的小题库。"

[output]
formats = ["html"]

[[topics]]
id = "normalization"
name = "归一化"

[[topics]]
id = "detection"
name = "目标检测"
`

const normalization = `[[cards]]
id = "batchnorm-params"
source = "Q1"
tags = ["batchnorm", "basics"]
question = "%s"
answer = '''
BN 先标准化,再做仿射变换:

$$
y = \gamma \frac{x-\mu_B}{\sqrt{\sigma_B^2+\epsilon}} + \beta
$$

其中 $\mu_B = \frac{1}{m}\sum_{i=1}^{m} x_i$。
'''
extra = "Ioffe & Szegedy 2015."

[[cards]]
id = "softmax-gradient"
tags = ["loss"]
question = "%s"
answer = '''
$$
\frac{\partial L}{\partial z_i} = p_i - y_i, \qquad
J = \begin{bmatrix} p_1(1-p_1) & -p_1 p_2 \\ -p_2 p_1 & p_2(1-p_2) \end{bmatrix}
$$
'''

[[cards]]
id = "unsupported-math"
question = '颜色公式 $\color{red}{x}$ 怎么显示?'
answer = "以 TeX 源码显示。"
`

const detection = `[[cards]]
id = "rotated-iou"
tags = ["iou"]
question = "%s"
answer = ""

[[cards]]
id = "roialign-code"
tags = ["roi", "code"]
question = "%s"
answer = '''
` + "```python" + `
def roi_align(feature_map, rois, output_size=(7, 7), spatial_scale=1.0 / 16, sampling_ratio=2, aligned=True):  # a line far too long for the page
    return [bilinear(feature_map, x, y) for (x, y) in sample_points(rois, output_size, spatial_scale, sampling_ratio, aligned)]
` + "```" + `
'''

[[cards]]
id = "figure"
question = "%s"
answer = "![示意图](media/dot.png)"

[[cards]]
id = "cloze-card"
type = "cloze"
question = "Focal Loss 用 {{c1::调制因子}} 降低 {{c2::易分样本::哪类样本}} 的权重。"
answer = "见 RetinaNet。"
`

// Write writes the deck into dir and returns its config.toml.
func Write(t testing.TB, dir string) string {
	t.Helper()
	q := make([]any, len(Questions))
	for i, s := range Questions {
		q[i] = strings.ReplaceAll(s, `\`, `\\`)
	}
	files := map[string]string{
		"config.toml":              config,
		"cards/normalization.toml": fmt.Sprintf(normalization, q[0], q[1]),
		"cards/detection.toml":     fmt.Sprintf(detection, q[2], q[3], q[4]),
		"cards/media/dot.png":      string(PNG),
	}
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "config.toml")
}

// Input loads the deck of Write as a build would give it to an exporter;
// warnings are appended to *warnings.
func Input(t testing.TB, warnings *[]string) *exporters.Input {
	t.Helper()
	cfg := Write(t, t.TempDir())
	deck, ds := cards.Load(cfg)
	if deck == nil || ds.Err(false) != nil {
		t.Fatalf("test deck does not load: %v", ds)
	}
	rendered, err := exporters.Render(deck, render.Default())
	if err != nil {
		t.Fatal(err)
	}
	return &exporters.Input{Deck: deck, Full: deck, Target: cards.FullTarget, HTML: rendered,
		Warn: func(format string, args ...any) { *warnings = append(*warnings, fmt.Sprintf(format, args...)) }}
}
