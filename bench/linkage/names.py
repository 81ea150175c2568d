"""Name lists for the synthetic generator (bench/linkage/generate.py).

Written by hand for this benchmark from the names that are common in the CRM countries and among
the migrants who cross them (Honduras, Guatemala, El Salvador, Nicaragua, Mexico, Venezuela, Cuba,
Colombia, Ecuador, Haiti, Dominican Republic, Brazil, India, China, West Africa, English-speaking
North America and Belize).  Order matters: earlier names are drawn more often (Zipf weights).
These lists are the generator's own; the engine does not read them.
"""

HISPANIC_MALE = """
José Juan Luis Carlos Jorge Miguel Francisco Jesús Antonio Pedro Manuel Alejandro Roberto Ricardo
Fernando Mario Javier Daniel David Óscar Rafael Eduardo Sergio Víctor Raúl Héctor Marco Julio Pablo
Andrés Alberto Arturo Enrique Ramón Gerardo Guillermo Salvador Rubén Martín Ángel Hugo Edgar Wilmer
Kevin Brayan Josué Elmer Nelson Walter Santos Erick Cristian Jonathan Alexander Edwin Henry Franklin
Marvin Selvin Byron Mynor Denis Yeison Darwin Wilson Fredy Jairo Lorenzo Ignacio Gonzalo Adolfo
Rodolfo Alfonso Vicente Ernesto Gregorio Santiago Nicolás Joaquín Benjamín Emilio Gustavo Armando
Felipe Diego Rigoberto Humberto Heriberto Gilberto Norberto Lázaro Yoandri Yunior Yasmani Osvaldo
Reinaldo Orlando Ismael Isaac Abraham Efraín Moisés Samuel Elías Esteban Tomás Agustín Lucas Mateo
Sebastián Emmanuel Jefferson Anderson Wilfredo Melvin Dennis Omar Noé Gabriel Leonardo Rolando
Alfredo Ronald Jaime Israel Cristóbal Domingo Faustino Candelario Porfirio Teodoro Hipólito
Anastasio Narciso Marcelino Eusebio Leonel Yorman Deivis Keiner Yeferson Maikel Yasiel Alexis
Jhonatan Brandon Bryan Axel Dylan Jostin Ever Eber Edvin Otoniel Baudilio Hermelindo Abelardo
Fidel Adán Amílcar Aníbal Baltazar Benito Camilo Ciro Clemente Damián Dagoberto Eliseo Erasmo
Evaristo Fabián Florencio Genaro Germán Gilmar Horacio Jacinto Lisandro Macario Mauricio Maximiliano
Nahúm Nery Obed Oliverio Osmín Pascual Patricio Plutarco Quirino Renán Rosendo Saúl Saturnino
Silvio Tránsito Ulises Valentín Wálter Wilber Xavier Yovani Zacarías
"""

HISPANIC_FEMALE = """
María Ana Rosa Carmen Guadalupe Juana Francisca Patricia Martha Leticia Gabriela Alejandra Verónica
Claudia Adriana Silvia Elizabeth Laura Sandra Karla Diana Mónica Teresa Lorena Yolanda Margarita
Blanca Lucía Gloria Andrea Daniela Valeria Fernanda Jessica Jennifer Yesenia Karen Wendy Evelyn
Heidy Ingrid Glenda Dania Sonia Reina Marta Dolores Concepción Rosario Consuelo Mercedes Isabel
Josefa Antonia Graciela Alicia Esperanza Beatriz Cecilia Cristina Esther Elena Magdalena Pilar
Lourdes Luz Maribel Marisol Johana Yaneth Jazmín Nancy Daisy Leydi Yuliana Yadira Dayana Estefany
Kimberly Nayeli Ximena Fátima Génesis Yamileth Lisbeth Deysi Esmeralda Norma Irma Olga Elsa Celia
Aracely Delmy Xiomara Suyapa Yessenia Yorbelis Yusleidy Yulimar Oriana Yelitza Marbella Keila
Nohemí Noemí Sulma Zoila Vilma Brenda Paola Tatiana Joselyn Katherine Yajaira Yahaira Griselda
Rocío Susana Rebeca Raquel Sara Ruth Miriam Noelia Hortensia Refugio Inés Irene Julia Juliana
Liliana Lidia Luisa Mayra Melissa Mirna Nelly Paula Ramona Regina Sofía Victoria Virginia Ximena
"""

#: Second names of compound given names ("María José", "Juan Carlos"); first element chosen from
#: the male/female lists, these are drawn for the second position more often.
COMPOUND_FIRST_MALE = "José Juan Luis Carlos Jesús Miguel Jorge Marco Víctor José".split()
COMPOUND_FIRST_FEMALE = "María María María Ana Rosa Claudia Sandra Ana María".split()
COMPOUND_SECOND_FEMALE = """
José Fernanda Guadalupe Elena Isabel Luisa Teresa Alejandra Gabriela Carmen Dolores Esperanza
Concepción Mercedes Jesús Lourdes Cristina Eugenia Antonieta Patricia Rosario Consuelo Ángeles
Belén Pilar Victoria Daniela José
""".split()
#: Second names that carry a particle in the full form ("María del Carmen", "María de los Ángeles").
WITH_PARTICLE = {"Carmen": "del", "Ángeles": "de los", "Jesús": "de", "Lourdes": "de", "Dolores": "de los",
                 "Pilar": "del", "Rosario": "del", "Belén": "de", "Mercedes": "de las", "Consuelo": "del",
                 "Concepción": "de la", "Guadalupe": "de"}

HISPANIC_SURNAMES = """
Hernández García Martínez López González Pérez Rodríguez Sánchez Ramírez Cruz Flores Gómez Morales
Vásquez Reyes Jiménez Torres Díaz Gutiérrez Ruiz Mendoza Aguilar Ortiz Castillo Moreno Romero
Álvarez Chávez Rivera Juárez Ramos Domínguez Herrera Medina Castro Vargas Guzmán Velásquez Muñoz
Rojas Contreras Salazar Luna Ortega Santiago Guerrero Estrada Bautista Cortés Soto Alvarado Espinoza
Lara Ávila Ríos Cervantes Silva Delgado Vega Márquez Sandoval Fernández León Carrillo Mejía Solís
Núñez Rosales Valdez Campos Santos Orellana Escobar Zelaya Maldonado Pineda Paz Fuentes Molina
Portillo Cabrera Barrera Acosta Aguirre Ayala Barahona Bonilla Carranza Cardona Cáceres Calderón
Chicas Coto Duarte Echeverría Figueroa Funes Galeas Guevara Hidalgo Ibarra Izaguirre Lemus Lobo
Madrid Mayorga Meza Miranda Montoya Murillo Navarro Ochoa Osorio Padilla Palacios Quintanilla
Quiroz Rivas Sosa Suazo Tejada Trejo Urbina Valle Villalobos Villanueva Zambrano Zavala Zúñiga
Argueta Amaya Alfaro Ardón Canales Chinchilla Erazo Euceda Girón Peña Féliz Báez Almonte Polanco
Encarnación Batista Quintero Benítez Cano Cuéllar Escalante Galindo Gallardo Godoy Lozano Lucero
Macías Manzano Marín Mata Mora Nava Olivares Orozco Pacheco Parra Ponce Quezada Robles Rosas
Salas Salinas Serrano Tapia Toledo Trujillo Valencia Vélez Zamora Ybarra Yáñez Xicará Jerez
Hurtado Herrera Huerta Bermúdez Barrios Villeda Zepeda Cerrato Matamoros Membreño Mondragón
"""
#: Surnames written with particles or as two words.
PARTICLE_SURNAMES = ["de la Cruz", "de León", "del Cid", "de los Santos", "de Jesús", "de la Rosa", "del Valle",
                     "de Paz", "de la Torre", "San Martín", "de la O", "del Río", "de la Fuente", "Santa Cruz"]
#: Mayan surnames common in Guatemala (and their Spanish spellings vary: Xol/Chol, Tzul/Sul).
MAYAN_SURNAMES = "Ajú Cux Xol Tzul Coc Chub Caal Choc Pop Tiul Yat Ixcoy Quej Tzoc Cac Chen Bol Tzi Ical Maquín".split()

ENGLISH_MALE = """James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel
Matthew Anthony Mark Steven Paul Andrew Joshua Kevin Brian George Edward Ronald Timothy Jason Jeffrey
Ryan Jacob Gary Nicholas Eric Stephen Jonathan Larry Justin Scott Brandon Frank Benjamin Gregory Samuel
Raymond Patrick Alexander Jack Dennis Jerry Tyler Aaron Jose Adam Nathan Henry Douglas Zachary Peter Kyle
Ethan Walter Noah Jeremy Christian Keith Roger Terry Gerald Harold Sean Austin Carl Arthur Lawrence Dylan
Jesse Jordan Bryan Billy Joe Bruce Gabriel Logan Albert Willie Alan Juan Wayne Elijah Randy Roy Vincent
Ralph Eugene Russell Bobby Mason Philip Louis Dwayne Shane Trevor Marcus Clifford Leroy Desmond Garfield""".split()
ENGLISH_FEMALE = """Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Nancy Lisa Betty
Margaret Sandra Ashley Kimberly Emily Donna Michelle Dorothy Carol Amanda Melissa Deborah Stephanie
Rebecca Sharon Laura Cynthia Kathleen Amy Shirley Angela Helen Anna Brenda Pamela Nicole Emma Samantha
Katherine Christine Debra Rachel Catherine Carolyn Janet Ruth Maria Heather Diane Virginia Julie Joyce
Victoria Olivia Kelly Christina Lauren Joan Evelyn Judith Megan Cheryl Andrea Hannah Martha Jacqueline
Frances Gloria Ann Teresa Kathryn Sara Janice Jean Alice Madison Doris Abigail Julia Judy Grace Denise
Amber Marilyn Beverly Danielle Theresa Sophia Marie Diana Brittany Natalie Isabella Charlotte Rose Alexis
Kayla Latoya Shanice Keisha Tamika Monique Yvonne Marcia Claudette Sonia""".split()
ENGLISH_SURNAMES = """Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore
Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill
Green Adams Baker Nelson Carter Mitchell Roberts Campbell Evans Edwards Collins Stewart Morris Murphy
Cook Rogers Morgan Peterson Cooper Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Watson Brooks
Bennett Gray James Hughes Price Sanders Myers Long Ross Foster Powell Jenkins Perry Russell Sullivan
Fisher Henderson Coleman Simmons Patterson Jordan Reynolds Hamilton Graham Wallace West Cole Hayes Bryant
Gibson Ellis Stevens Murray Ford Marshall Owens McDonald Harrison Kennedy Wells Alexander Tucker Porter
Hunter Hicks Crawford Henry Boyd Mason Warren Dixon Burns Gordon Shaw Holmes Rice Robertson Hunt Black
Daniels Palmer Mills Grant Knight Ferguson Stone Hawkins Dunn Perkins Hudson Spencer Gardner Stephens
Payne Pierce Berry Matthews Arnold Wagner Willis Ray Watkins Olson Carroll Duncan Snyder Hart Cunningham
Lane Andrews Ruiz Harper Fox Riley Armstrong Carpenter Weaver Greene Elliott Chavez Sims Peters Kelley
Franklin Lawson Fields Flowers Gentle Usher Tillett Gillett Neal Lord Staine Cadle Requena Pitts Codd
Belisle Lightburn Guy Leslie Augustine Garbutt Vernon Welch Straughan Young Hyde Card Bevans Meighan""".split()

HAITIAN_MALE = """Jean Pierre Joseph Marc Jacques Louis Frantz Wilner Wilson Emmanuel Ricardo Roodly
Stevenson Widmaer Woodley Fritznel Dieuseul Mackenson Peterson Jameson Kervens Wesley Guerby Jean-Claude
Jean-Robert Jean-Marc Jean-Baptiste Evens Kesner Ronald Rony Jocelyn Herby Junior Dieunel Wisly""".split()
HAITIAN_FEMALE = """Marie Rose Nadège Roseline Guerline Mirlande Fabienne Darline Nathalie Sandra Widline
Medjine Fedna Lovely Esther Magalie Islande Marie-Carmelle Marie-Ange Rose-Marie Nadia Jessica Mideline
Sherline Ketly Wideline Francesca Judith Myrlande Dieula Lourdie""".split()
HAITIAN_SURNAMES = """Jean Pierre Joseph Louis Charles Baptiste Jean-Baptiste Saint-Fleur Saint-Louis
Saint-Jean Dorvil Augustin Désir Étienne François Paul Alexandre Toussaint Célestin Exantus Fleurant
Jean-Louis Michel Noël Simon Philippe Dorélien Georges Lafleur Valcin Lindor Prévilon Mondésir Jean-Pierre
Estimé Thermidor Lamour Petit-Frère Bien-Aimé Casimir Dorsainvil""".split()

BRAZILIAN_MALE = """João José Antônio Francisco Carlos Paulo Pedro Lucas Luiz Marcos Gabriel Rafael Daniel
Marcelo Bruno Eduardo Felipe Raimundo Rodrigo Manoel Mateus André Fernando Fábio Leonardo Gustavo Guilherme
Leandro Tiago Anderson Ricardo Márcio Jorge Sebastião Alexandre Roberto Edson Diego Vitor Sérgio""".split()
BRAZILIAN_FEMALE = """Maria Ana Francisca Antônia Adriana Juliana Márcia Fernanda Patrícia Aline Sandra Camila
Amanda Bruna Jéssica Letícia Júlia Luciana Vanessa Mariana Gabriela Vera Vitória Larissa Cláudia Beatriz
Luana Rita Sônia Renata Eliane Josefa Simone Natália Cristiane Carla Débora Rosângela Jaqueline""".split()
BRAZILIAN_SURNAMES = """Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa Ribeiro
Martins Carvalho Almeida Lopes Soares Fernandes Vieira Barbosa Rocha Dias Nascimento Andrade Moreira Nunes
Marques Machado Mendes Freitas Cardoso Ramos Gonçalves Santana Teixeira Araújo Cavalcanti Monteiro Moura
Correia Pinto Batista Campos Reis Borges""".split()

INDIAN_MALE = """Rahul Amit Sandeep Gurpreet Harpreet Manpreet Jaspreet Rajesh Sunil Vikram Arjun Ravi Deepak
Anil Sanjay Vijay Ajay Manoj Rakesh Ashok Suresh Ramesh Mahesh Dinesh Naveen Pradeep Sachin Rohit Vikas
Nitin Gaurav Kuldeep Jagdeep Harjit Baljit Sukhwinder Paramjit Gurjeet Lovepreet Navdeep Karan Aman
Abhishek Ankit Vishal Mohit Pankaj Yogesh Hardeep Jatinder Kulwant Mandeep Satnam Tejinder""".split()
INDIAN_FEMALE = """Priya Pooja Simran Harpreet Manpreet Sunita Anjali Neha Kiran Ramandeep Sonia Anita Rekha
Kavita Meena Asha Geeta Seema Jyoti Nisha Preeti Ritu Shweta Swati Divya Deepika Komal Sapna Mamta Rani
Kamaljit Parminder Gurleen Navneet Jasleen Amandeep Rupinder Harleen Baljinder Sukhjeet""".split()
INDIAN_SURNAMES = """Singh Kumar Patel Sharma Kaur Gill Sandhu Sidhu Dhillon Shah Yadav Gupta Verma Mehta
Chauhan Joshi Rana Thakur Malhotra Kapoor Arora Bhatia Chopra Saini Grewal Brar Bains Randhawa Mann Sekhon
Cheema Aulakh Dhaliwal Virk Bajwa Khosla Chaudhary Reddy Nair Iyer Rao Desai Parmar Solanki Rathod Bhatt
Pandey Mishra Tiwari Dubey Jain Agarwal""".split()

# Chinese given names are built from two syllables (or one), as they appear romanised in records.
CHINESE_SYLLABLES = """Wei Jun Ming Hao Yang Lei Qiang Jian Tao Bo Hua Xiao Li Jing Xin Yan Hui Fang Mei Ling Xiu
Na Yu Hong Ping Gang Yong Jie Feng Lin Chen Yi Zhi Kai Hai Tian Long Bin Rui Ying Qing Lan Xia Juan Zhen""".split()
CHINESE_MALE = CHINESE_SYLLABLES
CHINESE_FEMALE = CHINESE_SYLLABLES
CHINESE_SURNAMES = """Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo Lin He Gao Luo Zheng
Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Du Ye Cheng Wei Su Lu Ding
Ren Shen Yao""".split()

AFRICAN_MALE = """Mamadou Ibrahima Ousmane Abdoulaye Moussa Cheikh Aliou Amadou Mohamed Jean-Paul Emmanuel
Blaise Serge Ibrahim Youssouf Modou Lamine Babacar Souleymane Boubacar Alassane Idrissa Samba Omar Ablaye
Pape Malick Seydou Sekou Alpha Thierno Fode Mamadi Oumar Bakary Hervé Christian Patrice Joseph Samuel Arnaud
Franck Junior Cédric Landry Stéphane Yannick Rodrigue""".split()
AFRICAN_FEMALE = """Fatou Aminata Mariama Aissatou Awa Khady Ndeye Mariam Brigitte Solange Fatoumata Kadiatou
Binta Coumba Astou Dieynaba Rokhaya Adama Oumou Hawa Sali Ramatoulaye Nafissatou Yacine Sokhna Bintou
Mireille Josiane Pélagie Sandrine Carine Nadège Estelle Laure Mélanie Christelle Prisca Vanessa""".split()
AFRICAN_SURNAMES = """Diallo Ba Sow Ndiaye Diop Fall Sy Camara Touré Traoré Koné Mbarga Nkou Ngono Tchoumi
Fotso Bah Barry Keita Cissé Gueye Faye Seck Mbaye Sarr Kane Thiam Niang Sylla Diouf Sall Dieng Sané Kouyaté
Condé Soumah Bangoura Sangaré Doumbia Coulibaly Diarra Ouattara Kamga Tchinda Nana Kenfack Mbida Essomba
Owona Abena Atangana Manga Ekambi Nguema""".split()


def words(block: str) -> list[str]:
    return block.split()
