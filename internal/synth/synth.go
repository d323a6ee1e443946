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

// answer is 200-800 characters of mixed Chinese and English, with code in
// about 10% and display math in about 10% of the cards.
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
		fmt.Fprintf(&b, "\n\n```python\ndef f(x, w):\n    return (x * w).sum(axis=%d)  # %s\n```\n", r.IntN(3), en[r.IntN(len(en))])
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
