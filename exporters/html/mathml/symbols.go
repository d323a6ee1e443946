package mathml

// greek maps letter commands to code points; upper-case Greek is upright in TeX.
var greek = map[string]rune{
	"alpha": 'α', "beta": 'β', "gamma": 'γ', "delta": 'δ', "epsilon": 'ϵ', "varepsilon": 'ε',
	"zeta": 'ζ', "eta": 'η', "theta": 'θ', "vartheta": 'ϑ', "iota": 'ι', "kappa": 'κ',
	"varkappa": 'ϰ', "lambda": 'λ', "mu": 'μ', "nu": 'ν', "xi": 'ξ', "omicron": 'ο', "pi": 'π',
	"varpi": 'ϖ', "rho": 'ρ', "varrho": 'ϱ', "sigma": 'σ', "varsigma": 'ς', "tau": 'τ',
	"upsilon": 'υ', "phi": 'ϕ', "varphi": 'φ', "chi": 'χ', "psi": 'ψ', "omega": 'ω',
	"digamma": 'ϝ',
	"Gamma":   'Γ', "Delta": 'Δ', "Theta": 'Θ', "Lambda": 'Λ', "Xi": 'Ξ', "Pi": 'Π',
	"Sigma": 'Σ', "Upsilon": 'Υ', "Phi": 'Φ', "Psi": 'Ψ', "Omega": 'Ω',
}

// ordinary are symbols TeX treats as letters (mathord): they become <mi>.
var ordinary = map[string]string{
	"infty": "∞", "partial": "∂", "nabla": "∇", "emptyset": "∅", "varnothing": "∅",
	"ell": "ℓ", "hbar": "ℏ", "hslash": "ℏ", "Re": "ℜ", "Im": "ℑ", "aleph": "ℵ", "wp": "℘",
	"top": "⊤", "bot": "⊥", "angle": "∠", "triangle": "△", "prime": "′", "imath": "ı",
	"jmath": "ȷ", "forall": "∀", "exists": "∃", "nexists": "∄", "neg": "¬", "lnot": "¬",
	"dagger": "†", "ddagger": "‡", "S": "§", "P": "¶", "checkmark": "✓", "degree": "°",
	"Box": "□", "square": "□", "blacksquare": "■", "diamond": "⋄", "clubsuit": "♣",
	"diamondsuit": "♢", "heartsuit": "♡", "spadesuit": "♠", "flat": "♭", "sharp": "♯",
	"natural": "♮", "mho": "℧", "complement": "∁", "backprime": "‵", "infin": "∞",
}

// operators are binary operators, relations, arrows and punctuation: <mo>.
var operators = map[string]string{
	// binary
	"pm": "±", "mp": "∓", "times": "×", "div": "÷", "cdot": "⋅", "ast": "∗", "star": "⋆",
	"circ": "∘", "bullet": "∙", "oplus": "⊕", "ominus": "⊖", "otimes": "⊗", "oslash": "⊘",
	"odot": "⊙", "cup": "∪", "cap": "∩", "sqcup": "⊔", "sqcap": "⊓", "uplus": "⊎",
	"setminus": "∖", "smallsetminus": "∖", "wedge": "∧", "land": "∧", "vee": "∨", "lor": "∨",
	"amalg": "⨿", "wr": "≀", "dotplus": "∔", "ltimes": "⋉", "rtimes": "⋊", "circledast": "⊛",
	"boxplus": "⊞", "boxtimes": "⊠", "cdotp": "⋅",
	// relations
	"le": "≤", "leq": "≤", "leqslant": "⩽", "ge": "≥", "geq": "≥", "geqslant": "⩾",
	"ne": "≠", "neq": "≠", "approx": "≈", "approxeq": "≊", "equiv": "≡", "sim": "∼",
	"simeq": "≃", "cong": "≅", "propto": "∝", "in": "∈", "notin": "∉", "ni": "∋",
	"subset": "⊂", "subseteq": "⊆", "subsetneq": "⊊", "supset": "⊃", "supseteq": "⊇",
	"supsetneq": "⊋", "sqsubseteq": "⊑", "sqsupseteq": "⊒", "ll": "≪", "gg": "≫",
	"lll": "⋘", "ggg": "⋙", "prec": "≺", "succ": "≻", "preceq": "⪯", "succeq": "⪰",
	"perp": "⊥", "parallel": "∥", "nparallel": "∦", "mid": "∣", "nmid": "∤", "models": "⊨",
	"vdash": "⊢", "dashv": "⊣", "asymp": "≍", "doteq": "≐", "triangleq": "≜",
	"coloneqq": "≔", "eqqcolon": "≕", "lesssim": "≲", "gtrsim": "≳", "nless": "≮",
	"ngtr": "≯", "nleq": "≰", "ngeq": "≱", "nsim": "≁", "ncong": "≇", "smile": "⌣",
	"frown": "⌢", "bowtie": "⋈", "vDash": "⊨", "therefore": "∴", "because": "∵",
	// arrows
	"to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←", "leftrightarrow": "↔",
	"Rightarrow": "⇒", "Leftarrow": "⇐", "Leftrightarrow": "⇔", "implies": "⟹",
	"impliedby": "⟸", "iff": "⟺", "mapsto": "↦", "longmapsto": "⟼",
	"longrightarrow": "⟶", "longleftarrow": "⟵", "longleftrightarrow": "⟷",
	"Longrightarrow": "⟹", "Longleftarrow": "⟸", "Longleftrightarrow": "⟺",
	"uparrow": "↑", "downarrow": "↓", "updownarrow": "↕", "Uparrow": "⇑", "Downarrow": "⇓",
	"nearrow": "↗", "searrow": "↘", "swarrow": "↙", "nwarrow": "↖", "hookrightarrow": "↪",
	"hookleftarrow": "↩", "rightharpoonup": "⇀", "leftharpoonup": "↼",
	"rightleftharpoons": "⇌", "leadsto": "⇝", "rightrightarrows": "⇉",
	// punctuation and dots
	"colon": ":", "ldots": "…", "dots": "…", "dotsc": "…", "dotsb": "⋯", "dotsm": "⋯",
	"cdots": "⋯", "vdots": "⋮", "ddots": "⋱", "lbrack": "[", "rbrack": "]",
}

// delimiters may follow \left, \right, \middle and \big: characters as
// themselves, commands with their backslash; "." is the empty delimiter.
var delimiters = map[string]string{
	"(": "(", ")": ")", "[": "[", "]": "]", "|": "|", "/": "/", "<": "⟨", ">": "⟩", ".": "",
	`\{`: "{", `\}`: "}", `\|`: "‖", `\lbrace`: "{", `\rbrace`: "}", `\langle`: "⟨",
	`\rangle`: "⟩", `\lfloor`: "⌊", `\rfloor`: "⌋", `\lceil`: "⌈", `\rceil`: "⌉",
	`\vert`: "|", `\Vert`: "‖", `\lvert`: "|", `\rvert`: "|", `\lVert`: "‖",
	`\rVert`: "‖", `\backslash`: "\\", `\uparrow`: "↑", `\downarrow`: "↓",
	`\updownarrow`: "↕", `\lbrack`: "[", `\rbrack`: "]", `\lgroup`: "⟮", `\rgroup`: "⟯",
	`\llbracket`: "⟦", `\rrbracket`: "⟧",
}

// openers are the delimiters that open a group, for function-name spacing.
var openers = map[string]bool{"(": true, "[": true, "{": true, "⟨": true, "⌊": true, "⌈": true, "⟮": true, "⟦": true}

// bigOperators are large operators; limits says whether their scripts go
// under and over in display style.
var bigOperators = map[string]struct {
	text   string
	limits bool
}{
	"sum": {"∑", true}, "prod": {"∏", true}, "coprod": {"∐", true},
	"bigcup": {"⋃", true}, "bigcap": {"⋂", true}, "bigoplus": {"⨁", true},
	"bigotimes": {"⨂", true}, "bigodot": {"⨀", true}, "biguplus": {"⨄", true},
	"bigsqcup": {"⨆", true}, "bigvee": {"⋁", true}, "bigwedge": {"⋀", true},
	"int": {"∫", false}, "iint": {"∬", false}, "iiint": {"∭", false}, "oint": {"∮", false},
	"intop": {"∫", true}, "smallint": {"∫", false},
}

// functions are upright operator names; limits as for bigOperators.
var functions = map[string]bool{
	"sin": false, "cos": false, "tan": false, "cot": false, "sec": false, "csc": false,
	"arcsin": false, "arccos": false, "arctan": false, "sinh": false, "cosh": false,
	"tanh": false, "coth": false, "log": false, "ln": false, "lg": false, "exp": false,
	"arg": false, "deg": false, "dim": false, "ker": false, "hom": false,
	"gcd": true, "det": true, "max": true, "min": true, "sup": true, "inf": true,
	"lim": true, "Pr": true, "liminf": true, "limsup": true, "argmax": true, "argmin": true,
}

// functionText spells the names that differ from their command.
var functionText = map[string]string{"liminf": "lim inf", "limsup": "lim sup", "argmax": "arg max", "argmin": "arg min"}

// spaces are TeX's explicit spaces, in em.
var spaces = map[string]string{
	",": "0.1667em", "thinspace": "0.1667em", ":": "0.2222em", ">": "0.2222em",
	"medspace": "0.2222em", ";": "0.2778em", "thickspace": "0.2778em", "!": "-0.1667em",
	"negthinspace": "-0.1667em", " ": "0.25em", "quad": "1em", "qquad": "2em",
	"enspace": "0.5em", "enskip": "0.5em",
}

// accents put a mark over their argument; stretchy ones span it.
var accents = map[string]struct {
	mark    string
	stretch bool
	under   bool
}{
	"hat": {"^", false, false}, "widehat": {"^", true, false},
	"tilde": {"~", false, false}, "widetilde": {"~", true, false},
	"bar": {"¯", false, false}, "overline": {"‾", true, false},
	"vec": {"→", false, false}, "overrightarrow": {"→", true, false},
	"overleftarrow": {"←", true, false}, "overleftrightarrow": {"↔", true, false},
	"dot": {"˙", false, false}, "ddot": {"¨", false, false},
	"acute": {"´", false, false}, "grave": {"`", false, false}, "breve": {"˘", false, false},
	"check": {"ˇ", false, false}, "mathring": {"˚", false, false},
	"underline": {"_", true, true}, "underrightarrow": {"→", true, true},
	"underleftarrow": {"←", true, true},
	"overbrace":      {"⏞", true, false}, "underbrace": {"⏟", true, true},
}

// escapes are characters written with a backslash.
var escapes = map[string]struct{ tag, text string }{
	"{": {"mo", "{"}, "}": {"mo", "}"}, "%": {"mi", "%"}, "$": {"mi", "$"}, "#": {"mi", "#"},
	"&": {"mo", "&"}, "_": {"mi", "_"}, "|": {"mo", "‖"},
}

// bigSizes are the heights of \big … \Bigg delimiters.
var bigSizes = map[string]string{
	"big": "1.2em", "bigl": "1.2em", "bigr": "1.2em", "bigm": "1.2em",
	"Big": "1.623em", "Bigl": "1.623em", "Bigr": "1.623em", "Bigm": "1.623em",
	"bigg": "2.047em", "biggl": "2.047em", "biggr": "2.047em", "biggm": "2.047em",
	"Bigg": "2.470em", "Biggl": "2.470em", "Biggr": "2.470em", "Biggm": "2.470em",
}

// negations are \not followed by a relation.
var negations = map[string]string{
	"=": "≠", "<": "≮", ">": "≯", "in": "∉", "equiv": "≢", "sim": "≁", "subset": "⊄",
	"supset": "⊅", "subseteq": "⊈", "supseteq": "⊉", "le": "≰", "leq": "≰", "ge": "≱",
	"geq": "≱", "approx": "≉", "cong": "≇", "mid": "∤", "parallel": "∦", "simeq": "≄",
}
