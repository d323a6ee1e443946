package cjkpunct

import "testing"

func TestFix(t *testing.T) {
	cases := []struct{ in, want string }{
		{"**核心**:背景不是普通类别,它没有统一的外观。", "**核心**：背景不是普通类别，它没有统一的外观。"},
		{"Focal Loss(Lin et al. 2017, RetinaNet):$p_t$,自动压低", "Focal Loss（Lin et al. 2017, RetinaNet）：$p_t$，自动压低"},
		{"ROIPool(Fast R-CNN,Girshick 2015)做了", "ROIPool（Fast R-CNN，Girshick 2015）做了"},
		{"正负至多 1:1;检测头", "正负至多 1:1；检测头"},
		{"预测\"前景概率约 0.01\",避免", "预测“前景概率约 0.01”，避免"},
		{"代码 `a, b = f(x)` 和公式 $f(x, y)$ 不变,其余改", "代码 `a, b = f(x)` 和公式 $f(x, y)$ 不变，其余改"},
		{"```python\nprint(\"中,文\")\n```\n", "```python\nprint(\"中,文\")\n```\n"},
		{"$$\n(a,b)\n$$\n", "$$\n(a,b)\n$$\n"},
		{"见 https://example.com/a,b 一文", "见 https://example.com/a,b 一文"},
		{"English only (a, b): c; d.", "English only (a, b): c; d."},
		{"| 方法 | 作用 |\n| --- | --- |\n| 难例挖掘(SSD、OHEM) | 硬选择 |\n", "| 方法 | 作用 |\n| --- | --- |\n| 难例挖掘（SSD、OHEM） | 硬选择 |\n"},
		{"- (a) 中文, 后面", "- （a）中文，后面"},
		{"如 ViLD(Gu et al. 2022)、GLIP(Li et al. 2022)。", "如 ViLD（Gu et al. 2022）、GLIP（Li et al. 2022）。"},
		{"| AdamW(Loshchilov & Hutter 2019) | 解耦 |", "| AdamW（Loshchilov & Hutter 2019） | 解耦 |"},
		{"人脸验证(1:1)和识别(1:N)", "人脸验证（1:1）和识别（1:N）"},
		{"logits $z$,softmax 与", "logits $z$，softmax 与"},
		{"**im2col + GEMM**:Caffe 等", "**im2col + GEMM**：Caffe 等"},
		{"(Lin et al. 2017,*Focal Loss*,即 RetinaNet)", "（Lin et al. 2017，*Focal Loss*，即 RetinaNet）"},
		{"交给 BLAS;\n2. 下一条", "交给 BLAS；\n2. 下一条"},
		{"+41,472(+7.0%)", "+41,472(+7.0%)"},
		{"参数 +41,472(+7.0%)", "参数 +41,472（+7.0%）"},
	}
	for _, c := range cases {
		got, _ := Fix(c.in)
		if got != c.want {
			t.Errorf("Fix(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
		if again, n := Fix(got); again != got || n != 0 {
			t.Errorf("Fix is not idempotent on %q: %q (%d changes)", got, again, n)
		}
	}
}

func TestCheck(t *testing.T) {
	cases := []struct {
		in   string
		want []int // offsets
	}{
		{"中文,中文", []int{6}},
		{"中文 , 中文", []int{7}},
		{"**中文**:中文", []int{10}},
		{"中文(中文)中文", []int{6, 13}},
		{"中文，中文", nil},
		{"English, 中文", nil},
		{"`中,文`", nil},
		{"$中,文$", nil},
		{"```\n中,文\n```\n", nil},
	}
	for _, c := range cases {
		got := Check(c.in)
		var offs []int
		for _, f := range got {
			offs = append(offs, f.Offset)
		}
		if len(offs) != len(c.want) {
			t.Errorf("Check(%q) = %v, want %v", c.in, offs, c.want)
			continue
		}
		for i := range offs {
			if offs[i] != c.want[i] {
				t.Errorf("Check(%q) = %v, want %v", c.in, offs, c.want)
			}
		}
	}
}
