// Package synth writes large, deterministic synthetic question sets for
// benchmarks: the same seed and size always give the same files.
package synth

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// Topics is the number of topic files a set is spread over.
const Topics = 10

var (
	zh = []string{"卷积", "归一化", "梯度", "损失函数", "特征图", "感受野", "目标检测", "语义分割", "优化器", "学习率",
		"批量大小", "正则化", "注意力", "残差连接", "数据增强", "推理加速", "量化", "剪枝", "蒸馏", "反向传播"}
	en = []string{"BatchNorm", "ROIAlign", "Adam", "SGD", "ResNet", "Transformer", "IoU", "anchor", "FPN", "dropout",
		"softmax", "ReLU", "momentum", "weight decay", "backbone", "NMS", "mIoU", "GEMM", "im2col", "FLOPs"}
	glue = []string{"的", "是", "在", "通过", "可以", "因此", "但是", "并且", "用于", "使得"}
	tex  = []string{`\frac{\partial L}{\partial w}`, `\hat{x} = \frac{x-\mu}{\sqrt{\sigma^2+\epsilon}}`, `\sum_{i=1}^{N} p_i \log q_i`,
		`m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t`, `\mathbb{E}[x^2]`, `W' = \gamma W / \sigma`}
)

// Write creates config.toml and cards/topic-NN.toml in dir with n cards.
func Write(dir string, n int, seed uint64) error {
	if err := os.MkdirAll(filepath.Join(dir, "cards"), 0o755); err != nil {
		return err
	}
	var cfg strings.Builder
	cfg.WriteString("[deck]\nid = \"synth\"\nnamespace = \"synth\"\nname = \"Synthetic\"\n\n[output]\nformats = [\"apkg\", \"csv\", \"md\"]\n")
	for t := 0; t < Topics; t++ {
		fmt.Fprintf(&cfg, "\n[[topics]]\nid = \"topic-%02d\"\nname = \"主题 %d\"\n", t, t)
	}
	cfg.WriteString("\n[[targets]]\nname = \"all\"\n")
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(cfg.String()), 0o644); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for t := 0; t < Topics; t++ {
		if err := writeTopic(filepath.Join(dir, "cards", fmt.Sprintf("topic-%02d.toml", t)), t, n, r); err != nil {
			return err
		}
	}
	return nil
}

func writeTopic(path string, t, n int, r *rand.Rand) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for i := t; i < n; i += Topics {
		fmt.Fprintf(w, "[[cards]]\nid = \"card-%07d\"\ntags = [\"tag-%d\", \"group-%d\"]\n", i, r.IntN(50), i%7)
		if r.IntN(5) == 0 {
			fmt.Fprintf(w, "topics = [\"topic-%02d\"]\n", r.IntN(Topics))
		}
		fmt.Fprintf(w, "question = \"%s?\"\nanswer = '''\n%s\n'''\n\n", sentence(r, 20+r.IntN(30)), answer(r))
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// snippets are the code blocks of a set, one per language, spread evenly: each
// takes a number from 0 to 2 and an English term, so a set holds 60 distinct
// blocks of each language.
var snippets = []struct{ lang, code string }{
	{"python", "def f(x, w):\n    return (x * w).sum(axis=%d)  # %s\n"},
	{"c", "/* %[2]s */\nstatic float dot(const float *x, const float *w, int n) {\n    float s = 0.0f;\n    for (int i = %[1]d; i < n; i++) s += x[i] * w[i];\n    return s;\n}\n"},
	{"bash", "# %[2]s\nfor f in data/*.jpg; do\n  convert \"$f\" -resize 5%[1]d0x \"out/$(basename \"$f\")\" || exit 1\ndone\n"},
	{"go", "// Dot is the %[2]s score.\nfunc Dot(x, w []float32) (s float32) {\n\tfor i := %[1]d; i < len(x); i++ {\n\t\ts += x[i] * w[i]\n\t}\n\treturn s\n}\n"},
	{"javascript", "// %[2]s\nconst dot = (x, w) => x.slice(%[1]d).reduce((s, v, i) => s + v * w[i], 0);\nconsole.log(`score: ${dot([1, 2], [3, 4])}`);\n"},
	{"sql", "-- %[2]s\nSELECT model, AVG(iou) AS miou\nFROM results\nWHERE epoch > %[1]d AND split = 'val'\nGROUP BY model ORDER BY miou DESC;\n"},
}

// answer is 200-800 characters of mixed Chinese and English, with code in
// about 10% of the cards (Python, C, Bash, Go, JavaScript and SQL) and
// display math in about 10%.
func answer(r *rand.Rand) string {
	var b strings.Builder
	target := 180 + r.IntN(500)
	for len([]rune(b.String())) < target {
		b.WriteString(sentence(r, 10+r.IntN(20)))
		b.WriteString("。")
		if r.IntN(4) == 0 {
			fmt.Fprintf(&b, "行内公式 $%s$ 成立。", tex[r.IntN(len(tex))])
		}
		if r.IntN(6) == 0 {
			b.WriteString("\n\n- **要点**:" + sentence(r, 8) + "\n- " + sentence(r, 8) + "\n\n")
		}
	}
	switch r.IntN(10) {
	case 0:
		c := snippets[r.IntN(len(snippets))]
		b.WriteString("\n\n```" + c.lang + "\n")
		fmt.Fprintf(&b, c.code, r.IntN(3), en[r.IntN(len(en))])
		b.WriteString("```\n")
	case 1:
		fmt.Fprintf(&b, "\n\n$$\n%s\n$$\n", tex[r.IntN(len(tex))])
	}
	return b.String()
}

func sentence(r *rand.Rand, words int) string {
	var b strings.Builder
	for i := 0; i < words; i++ {
		switch r.IntN(3) {
		case 0:
			b.WriteString(en[r.IntN(len(en))])
			b.WriteByte(' ')
		case 1:
			b.WriteString(glue[r.IntN(len(glue))])
		default:
			b.WriteString(zh[r.IntN(len(zh))])
		}
	}
	return strings.TrimSpace(b.String())
}
