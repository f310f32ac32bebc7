package sentiment

// langRules are the closed word classes of a language: few, structural, and
// so kept in code rather than in the lexicon files.
type langRules struct {
	negators []string           // flip the valence of the next words
	never    []string           // negators that a booster turns into emphasis
	boosters map[string]float32 // intensifiers (> 0) and dampeners (< 0)
	contrast []string           // "but": shift weight to what follows
	lack     []string           // things whose absence is a complaint
	polite   []string           // courtesy, weak inside a question
	stop     []string           // frequent function words, for detection
}

// Boost steps, as in VADER.
const (
	bIncr = 0.293
	bDecr = -0.293
)

var rules = [numLangs]langRules{
	langEN: {
		negators: []string{
			"not", "no", "never", "cannot", "without", "nobody", "nothing", "none",
			"neither", "nor", "nowhere", "no one", "noone",
			"dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent", "cant",
			"couldnt", "wont", "wouldnt", "shouldnt", "havent", "hasnt", "hadnt", "aint",
			"darent", "mustnt", "neednt", "used to", "used to be",
		},
		never: []string{"never"},
		boosters: map[string]float32{
			"very": bIncr, "really": bIncr, "so": bIncr, "extremely": bIncr, "super": bIncr,
			"totally": bIncr, "absolutely": bIncr, "incredibly": bIncr, "completely": bIncr,
			"utterly": bIncr, "too": bIncr, "such": bIncr, "most": bIncr, "highly": bIncr,
			"truly": bIncr, "seriously": bIncr, "fucking": bIncr, "freaking": bIncr,
			"damn": bIncr, "insanely": bIncr, "hugely": bIncr, "immensely": bIncr,
			"entirely": bIncr, "especially": bIncr, "exceptionally": bIncr, "extra": bIncr,
			"terribly": bIncr, "awfully": bIncr, "ridiculously": bIncr, "deeply": bIncr,
			"more": bIncr, "much": bIncr, "way": bIncr, "pretty": bIncr / 2, "quite": bIncr / 2,
			"soo": bIncr, "sooo": bIncr, "veryy": bIncr, "real": bIncr / 2, "so much": bIncr,
			"barely": bDecr, "hardly": bDecr, "slightly": bDecr, "somewhat": bDecr,
			"kinda": bDecr, "sorta": bDecr, "kind of": bDecr, "sort of": bDecr,
			"a bit": bDecr, "a little": bDecr, "fairly": bDecr, "marginally": bDecr,
			"partly": bDecr, "almost": bDecr, "less": bDecr, "occasionally": bDecr,
			"a tad": bDecr, "mildly": bDecr, "relatively": bDecr,
		},
		contrast: []string{"but", "however", "nevertheless", "nonetheless"},
		lack: []string{
			"response", "responses", "reply", "replies", "replied", "answer", "answers",
			"answered", "respond", "responded", "responding", "help", "helping", "refund",
			"refunds", "refunded", "arrive", "arrived", "delivered", "received", "receive", "service",
			"power", "signal", "internet", "water", "heating", "electricity", "update",
			"updates", "info", "information", "callback", "solution", "fix", "work",
			"works", "working", "worked", "load", "loads", "loading", "contact", "apology",
			"explanation", "compensation", "news", "word", "get", "got", "gotten", "show",
			"showed", "explain", "explained", "apologise", "apologised", "apologize",
			"apologized", "apologies", "log", "login", "logon",
		},
		polite: []string{
			"thanks", "thank", "thank you", "thx", "ty", "please", "pls", "plz", "cheers",
			"appreciate", "appreciated", "kindly",
		},
		stop: []string{
			"the", "and", "is", "are", "was", "were", "to", "of", "in", "on", "for", "with",
			"my", "your", "you", "it", "this", "that", "have", "has", "i", "i'm", "im",
			"we", "they", "be", "been", "not", "at", "from", "but", "what", "when", "how",
			"why", "can", "will", "just", "our", "an", "if", "do", "does", "did", "it's",
			"don't", "there", "would", "could", "still", "about", "get", "got", "am",
			"any", "after", "again", "who", "which", "hi", "hello", "thanks", "please",
			"i've", "i'd", "you're", "they're", "we're", "its", "or", "all",
		},
	},
	langES: {
		negators: []string{
			"no", "nunca", "jamas", "tampoco", "ni", "sin", "nada", "nadie", "ninguno",
			"ninguna", "ningun", "poco", "para nada", "ni siquiera", "en absoluto",
		},
		never: []string{"nunca", "jamas"},
		boosters: map[string]float32{
			"muy": bIncr, "super": bIncr, "re": bIncr, "bastante": bIncr, "demasiado": bIncr,
			"tan": bIncr, "tanto": bIncr, "sumamente": bIncr, "extremadamente": bIncr,
			"realmente": bIncr, "totalmente": bIncr, "completamente": bIncr,
			"absolutamente": bIncr, "increiblemente": bIncr, "mega": bIncr, "hiper": bIncr,
			"mas": bIncr, "mucho": bIncr, "mucha": bIncr, "muchos": bIncr, "muchas": bIncr,
			"tremendamente": bIncr, "altamente": bIncr, "verdaderamente": bIncr,
			"especialmente": bIncr, "enormemente": bIncr, "profundamente": bIncr,
			"requete": bIncr,
			"un poco": bDecr, "algo": bDecr, "medio": bDecr, "ligeramente": bDecr,
			"apenas": bDecr, "casi": bDecr, "menos": bDecr, "un tanto": bDecr,
			"relativamente": bDecr, "levemente": bDecr, "un pelin": bDecr,
		},
		contrast: []string{"pero", "sin embargo", "no obstante", "aun asi", "sino"},
		lack: []string{
			"respuesta", "respuestas", "responde", "responden", "respondido", "respondieron",
			"contesta", "contestan", "contestado", "contestaron", "atiende", "atienden",
			"atendido", "atendieron", "solucion", "soluciones", "solucionan", "soluciona",
			"solucionado", "reembolso", "reembolsado", "reembolsan", "devolucion", "devuelven", "devolvieron", "devuelto", "devuelve", "llega",
			"llegan", "llego", "llegado", "llegaron", "servicio", "luz", "agua", "internet",
			"senal", "cobertura", "informacion", "noticias", "ayuda", "ayudan", "ayudaron",
			"funciona", "funcionan", "funciono", "funcionaba", "funcionar", "funcionando",
			"sirve", "sirven", "carga", "cargan", "explicacion", "disculpa", "disculpas",
			"aviso", "avisar", "avisa", "avisan", "avisaron", "avisarme", "caso", "resuelven", "resuelto", "arreglan",
			"arreglado", "gas", "calefaccion", "vino", "vinieron", "viene", "vienen", "aparece",
			"aparecio", "aparecieron", "enviaron", "enviado", "envian", "mandaron", "mandado",
			"disculpan", "disculparon", "explican", "explicaron", "explicado", "entrar", "acceder",
		},
		polite: []string{
			"gracias", "por favor", "porfa", "porfavor", "agradezco", "agradeceria",
			"buenas", "saludos", "un saludo",
		},
		stop: []string{
			"el", "la", "los", "las", "de", "del", "que", "y", "en", "un", "una", "por",
			"para", "con", "es", "esta", "estan", "son", "muy", "pero", "mi", "mis", "su",
			"sus", "lo", "le", "les", "se", "ya", "al", "como", "mas", "esto", "este",
			"eso", "ese", "hay", "han", "ha", "tengo", "tienen", "desde", "hasta", "hola",
			"gracias", "nos", "nada", "todo", "todavia", "aun", "porque", "cuando", "donde",
			"cual", "sin", "ni", "tambien", "fue", "ser", "estoy", "puedo", "pueden",
			"usted", "ustedes", "vosotros", "os", "buenas", "buenos", "te", "hace",
			"otra", "vez", "quiero",
		},
	},
}
